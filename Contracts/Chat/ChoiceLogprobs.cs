using System.Text.Json.Serialization;

namespace FlorenceVL.Contracts.Chat;

/// <summary>Per-choice log probabilities, present when the request set "logprobs": true.</summary>
public sealed record ChoiceLogprobs
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public required IReadOnlyList<TokenLogprob>? Content { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public IReadOnlyList<TokenLogprob>? Refusal { get; init; }
}

public sealed record TokenLogprob
{
    public required string Token { get; init; }
    public required double Logprob { get; init; }

    /// <summary>UTF-8 bytes of the token; null when the token is not representable on its own.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public required IReadOnlyList<int>? Bytes { get; init; }

    /// <summary>The most likely alternatives at this position, top_logprobs of them (possibly none).</summary>
    public required IReadOnlyList<TopLogprob> TopLogprobs { get; init; }
}

public sealed record TopLogprob
{
    public required string Token { get; init; }
    public required double Logprob { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public required IReadOnlyList<int>? Bytes { get; init; }
}
