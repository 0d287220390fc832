using System.Globalization;

namespace FlorenceVL.Engine.Inference;

/// <summary>
/// Per-request generation settings, in OpenAI/vLLM terms. Defaults are OpenAI's (temperature 1, top_p 1).
/// Temperature 0 means greedy. <see cref="Validate"/> holds every rule.
/// </summary>
public sealed record SamplingParams
{
    public float Temperature { get; init; } = 1f;

    public float TopP { get; init; } = 1f;

    /// <summary>Keep only the k most likely tokens; null keeps all.</summary>
    public int? TopK { get; init; }

    public float MinP { get; init; }

    public float PresencePenalty { get; init; }

    public float FrequencyPenalty { get; init; }

    /// <summary>Multiplicative penalty on tokens already present (1 = off), as in HF and vLLM.</summary>
    public float RepetitionPenalty { get; init; } = 1f;

    /// <summary>Per-request seed: the same seed gives the same tokens whatever else is in the batch.</summary>
    public long? Seed { get; init; }

    /// <summary>Most tokens to generate; null generates up to the context length.</summary>
    public int? MaxTokens { get; init; }

    public IReadOnlyList<int> StopTokenIds { get; init; } = [];

    /// <summary>Matched above the engine on detokenized text; the scheduler only checks token ids.</summary>
    public IReadOnlyList<string> StopStrings { get; init; } = [];

    public bool Logprobs { get; init; }

    public int TopLogprobs { get; init; }

    public int N { get; init; } = 1;

    /// <summary>Keep generating past the model's end-of-sequence tokens (benchmarks).</summary>
    public bool IgnoreEos { get; init; }

    public bool IsGreedy => Temperature == 0f;

    public const int MaxN = 128;

    public const int MaxTopLogprobs = 20;

    /// <summary>OpenAI's bound, which the engine keeps too: beyond it the distribution is noise.</summary>
    public const float MaxTemperature = 2f;

    /// <summary>
    /// The one validation of sampling parameters: throws <see cref="InvalidRequestException"/> naming the first impossible
    /// field. The engine runs <see cref="ValidateSettings"/> when a request arrives and the scheduler, which owns the
    /// context length, runs <see cref="ValidateLength"/> when it queues the sequence.
    /// </summary>
    public void Validate(int promptTokens, int maxContext)
    {
        ValidateSettings();
        ValidateLength(promptTokens, maxContext);
    }

    /// <summary>Every rule that does not depend on the prompt.</summary>
    public void ValidateSettings()
    {
        ValidateSampling();
        ValidateOutputs();
    }

    private void ValidateSampling()
    {
        RequireRange(RequestField.Temperature, Temperature, 0f, MaxTemperature);
        RequireRange(RequestField.TopP, TopP, 0f, 1f, minExclusive: true);
        if (TopK is < 1)
            throw Below(RequestField.TopK, TopK.Value, 1, "at least 1 (omit it to keep all tokens)");
        RequireRange(RequestField.MinP, MinP, 0f, 1f);
        RequireRange(RequestField.PresencePenalty, PresencePenalty, -2f, 2f);
        RequireRange(RequestField.FrequencyPenalty, FrequencyPenalty, -2f, 2f);
        RequireRange(RequestField.RepetitionPenalty, RepetitionPenalty, 0f, 2f, minExclusive: true);
    }

    private void ValidateOutputs()
    {
        RequireCount(RequestField.N, N, 1, MaxN);
        RequireCount(RequestField.TopLogprobs, TopLogprobs, 0, MaxTopLogprobs);
        Require(TopLogprobs == 0 || Logprobs, RequestField.TopLogprobs, "TopLogprobs requires Logprobs to be true.");
        Require(StopTokenIds.All(id => id >= 0), RequestField.StopTokenIds, "StopTokenIds must not contain negative ids.");
        Require(StopStrings.All(s => s.Length > 0), RequestField.StopStrings, "StopStrings must not be empty strings.");
        if (MaxTokens is < 1)
            throw Below(RequestField.MaxTokens, MaxTokens.Value, 1, "at least 1");
    }

    /// <summary>The prompt must leave room to generate, and prompt plus <see cref="MaxTokens"/> must fit the context.</summary>
    public void ValidateLength(int promptTokens, int maxContext)
    {
        if (promptTokens >= maxContext)
            throw new InvalidRequestException(RequestField.Prompt, RequestErrorKind.ContextLengthExceeded,
                $"This model's maximum context length is {maxContext} tokens; the prompt has {promptTokens} tokens, "
                + "leaving no room to generate.");
        if ((long)promptTokens + (MaxTokens ?? 0) > maxContext)
            throw new InvalidRequestException(RequestField.MaxTokens, RequestErrorKind.ContextLengthExceeded,
                $"This model's maximum context length is {maxContext} tokens; the prompt has {promptTokens} tokens "
                + $"and asks to generate {MaxTokens} more.");
    }

    /// <summary>NaN counts as below the minimum, infinities as outside whichever side they lie.</summary>
    private static void RequireRange(RequestField field, float value, float min, float max, bool minExclusive = false)
    {
        if (float.IsNaN(value) || value < min || (minExclusive && value <= min))
            throw new InvalidRequestException(field, RequestErrorKind.BelowMinimum,
                $"{field} must be {(minExclusive ? ">" : ">=")} {min} and <= {max}, got {value}.")
            { Range = new RangeViolation(AsSent(value), min, minExclusive) };
        if (value > max)
            throw new InvalidRequestException(field, RequestErrorKind.AboveMaximum, $"{field} must be <= {max}, got {value}.")
            { Range = new RangeViolation(AsSent(value), max) };
    }

    /// <summary>The double a float was parsed from, as far as the float can tell (2.01f reads back as 2.01, not 2.0099999904632568).</summary>
    private static double AsSent(float value) =>
        float.IsFinite(value) ? double.Parse(value.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : value;

    private static void RequireCount(RequestField field, int value, int min, int max)
    {
        if (value < min)
            throw Below(field, value, min, $"between {min} and {max}");
        if (value > max)
            throw new InvalidRequestException(field, RequestErrorKind.AboveMaximum, $"{field} must be between {min} and {max}, got {value}.")
            { Range = new RangeViolation(value, max) };
    }

    private static InvalidRequestException Below(RequestField field, int value, int min, string expected) =>
        new(field, RequestErrorKind.BelowMinimum, $"{field} must be {expected}, got {value}.") { Range = new RangeViolation(value, min) };

    private static void Require(bool condition, RequestField field, string message)
    {
        if (!condition)
            throw new InvalidRequestException(field, RequestErrorKind.InvalidValue, message);
    }
}
