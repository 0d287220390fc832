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
            errors.Add(RangeErrors.DecimalBelow(param, v, min, minExclusive));
        else if (v > max)
            errors.Add(RangeErrors.DecimalAbove(param, v, max));
    }

    public static void Integer(List<RequestError> errors, string param, long? value, long min, long? max = null)
    {
        if (value is not { } v)
            return;
        if (v < min)
            errors.Add(RangeErrors.IntegerBelow(param, v, min));
        else if (v > max)
            errors.Add(RangeErrors.IntegerAbove(param, v, max.Value));
    }
}

/// <summary>OpenAI's wording and codes for a number outside its range (also used by the Api for the engine's refusals).</summary>
public static class RangeErrors
{
    public static RequestError DecimalBelow(string param, double value, double min, bool minExclusive = false) =>
        new($"Invalid '{param}': decimal below minimum value. Expected a value {(minExclusive ? ">" : ">=")} {min}, but got {Format(value)} instead.",
            param, OpenAIErrorCodes.DecimalBelowMinValue);

    public static RequestError DecimalAbove(string param, double value, double max) =>
        new($"Invalid '{param}': decimal above maximum value. Expected a value <= {max}, but got {Format(value)} instead.",
            param, OpenAIErrorCodes.DecimalAboveMaxValue);

    public static RequestError IntegerBelow(string param, long value, long min) =>
        new($"Invalid '{param}': integer below minimum value. Expected a value >= {min}, but got {value} instead.",
            param, OpenAIErrorCodes.IntegerBelowMinValue);

    public static RequestError IntegerAbove(string param, long value, long max) =>
        new($"Invalid '{param}': integer above maximum value. Expected a value <= {max}, but got {value} instead.",
            param, OpenAIErrorCodes.IntegerAboveMaxValue);

    private static string Format(double value) =>
        double.IsPositiveInfinity(value) ? "a number too large to represent" : value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
