namespace FlorenceVL.Engine.Inference;

/// <summary>
/// Per-request generation settings, in OpenAI/vLLM terms. Defaults are OpenAI's (temperature 1, top_p 1).
/// Temperature 0 means greedy. <see cref="Validate"/> runs before a request is scheduled.
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

    /// <summary>Throws <see cref="InvalidRequestException"/> naming the first impossible field.</summary>
    public void Validate(int promptTokens, int maxContext)
    {
        ValidateSampling();
        ValidateOutputs();
        ValidateLength(promptTokens, maxContext);
    }

    private void ValidateSampling()
    {
        Require(float.IsFinite(Temperature) && Temperature >= 0f, "temperature",
            $"temperature must be a finite number >= 0, got {Temperature}.", "decimal_below_min_value");
        Require(TopP > 0f && TopP <= 1f, "top_p", $"top_p must be in (0, 1], got {TopP}.", "invalid_value");
        Require(TopK is null or >= 1, "top_k", $"top_k must be at least 1 (omit it to keep all tokens), got {TopK}.",
            "integer_below_min_value");
        Require(MinP is >= 0f and <= 1f, "min_p", $"min_p must be in [0, 1], got {MinP}.", "invalid_value");
        RequirePenalty(PresencePenalty, "presence_penalty");
        RequirePenalty(FrequencyPenalty, "frequency_penalty");
        Require(float.IsFinite(RepetitionPenalty) && RepetitionPenalty > 0f, "repetition_penalty",
            $"repetition_penalty must be > 0, got {RepetitionPenalty}.", "decimal_below_min_value");
    }

    private void ValidateOutputs()
    {
        Require(N is >= 1 and <= MaxN, "n", $"n must be between 1 and {MaxN}, got {N}.", "invalid_value");
        Require(TopLogprobs is >= 0 and <= MaxTopLogprobs, "top_logprobs",
            $"top_logprobs must be between 0 and {MaxTopLogprobs}, got {TopLogprobs}.", "invalid_value");
        Require(TopLogprobs == 0 || Logprobs, "top_logprobs",
            "top_logprobs requires logprobs to be true.", "invalid_value");
        Require(StopTokenIds.All(id => id >= 0), "stop_token_ids",
            "stop_token_ids must not contain negative ids.", "invalid_value");
        Require(StopStrings.All(s => s.Length > 0), "stop", "stop strings must not be empty.", "invalid_value");
    }

    private void ValidateLength(int promptTokens, int maxContext)
    {
        Require(MaxTokens is null or >= 1, "max_tokens", $"max_tokens must be at least 1, got {MaxTokens}.",
            "integer_below_min_value");
        Require(promptTokens < maxContext, "messages",
            $"This model's maximum context length is {maxContext} tokens; the prompt has {promptTokens} tokens, "
            + "leaving no room to generate.", "context_length_exceeded");
        var requested = (long)promptTokens + (MaxTokens ?? 0);
        Require(requested <= maxContext, "max_tokens",
            $"This model's maximum context length is {maxContext} tokens; the prompt has {promptTokens} tokens "
            + $"and max_tokens asks for {MaxTokens} more.", "context_length_exceeded");
    }

    private static void RequirePenalty(float value, string param) =>
        Require(value is >= -2f and <= 2f, param, $"{param} must be in [-2, 2], got {value}.", "invalid_value");

    private static void Require(bool condition, string param, string message, string code)
    {
        if (!condition)
            throw new InvalidRequestException(param, message, code);
    }
}
