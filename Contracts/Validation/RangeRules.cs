using FlorenceVL.Contracts.Errors;

namespace FlorenceVL.Contracts.Validation;

/// <summary>Numeric bound checks worded and coded as OpenAI words and codes them.</summary>
internal static class RangeRules
{
    public static void Decimal(List<RequestError> errors, string param, double? value, double min, double max, bool minExclusive = false)
    {
        if (value is not { } v)
            return;
        if (double.IsNaN(v) || v < min || (minExclusive && v <= min))
            errors.Add(new RequestError(
                $"Invalid '{param}': decimal below minimum value. Expected a value {(minExclusive ? ">" : ">=")} {min}, but got {Format(v)} instead.",
                param, OpenAIErrorCodes.DecimalBelowMinValue));
        else if (v > max)
            errors.Add(new RequestError(
                $"Invalid '{param}': decimal above maximum value. Expected a value <= {max}, but got {Format(v)} instead.",
                param, OpenAIErrorCodes.DecimalAboveMaxValue));
    }

    public static void Integer(List<RequestError> errors, string param, long? value, long min, long? max = null)
    {
        if (value is not { } v)
            return;
        if (v < min)
            errors.Add(new RequestError(
                $"Invalid '{param}': integer below minimum value. Expected a value >= {min}, but got {v} instead.",
                param, OpenAIErrorCodes.IntegerBelowMinValue));
        else if (v > max)
            errors.Add(new RequestError(
                $"Invalid '{param}': integer above maximum value. Expected a value <= {max}, but got {v} instead.",
                param, OpenAIErrorCodes.IntegerAboveMaxValue));
    }

    private static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "a number too large to represent" : value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
