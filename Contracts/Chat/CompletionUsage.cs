namespace FlorenceVL.Contracts.Chat;

public sealed record CompletionUsage
{
    public required int PromptTokens { get; init; }
    public required int CompletionTokens { get; init; }
    public int TotalTokens => PromptTokens + CompletionTokens;
    public required PromptTokensDetails PromptTokensDetails { get; init; }
    public CompletionTokensDetails CompletionTokensDetails { get; init; } = new();
}

public sealed record PromptTokensDetails
{
    /// <summary>Prompt tokens served from the prefix cache.</summary>
    public required int CachedTokens { get; init; }

    /// <summary>OpenAI reports it for audio models; always 0 here.</summary>
    public int AudioTokens { get; init; }

    /// <summary>
    /// Extension, not in OpenAI's schema: how many of the prompt tokens are image placeholder tokens
    /// (Florence-VL's visual features). Clients that do not know the key ignore it.
    /// </summary>
    public int? ImageTokens { get; init; }
}

/// <summary>OpenAI's breakdown of completion tokens; this server has no reasoning, audio or predicted outputs.</summary>
public sealed record CompletionTokensDetails
{
    public int ReasoningTokens { get; init; }
    public int AudioTokens { get; init; }
    public int AcceptedPredictionTokens { get; init; }
    public int RejectedPredictionTokens { get; init; }
}
