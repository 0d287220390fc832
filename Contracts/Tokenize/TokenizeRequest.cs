using System.Text.Json;
using System.Text.Json.Serialization;
using FlorenceVL.Contracts.Chat;

namespace FlorenceVL.Contracts.Tokenize;

/// <summary>
/// Body of <c>POST /tokenize</c> in vLLM's shape: either a <see cref="Prompt"/> string, or chat <see cref="Messages"/>
/// (images included, with optional <see cref="Tools"/>) rendered by the model's chat template as a request would be.
/// </summary>
public sealed record TokenizeRequest
{
    public string? Model { get; init; }
    public string? Prompt { get; init; }
    public IReadOnlyList<ChatMessage>? Messages { get; init; }

    /// <summary>Prompt form only: add the tokenizer's BOS (default true, as vLLM).</summary>
    public bool? AddSpecialTokens { get; init; }

    /// <summary>Messages form only: end with the assistant header, as a completion request does (default true).</summary>
    public bool? AddGenerationPrompt { get; init; }

    public IReadOnlyList<ToolDefinition>? Tools { get; init; }

    /// <summary>Also answer each id's token text.</summary>
    public bool? ReturnTokenStrs { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnrecognizedFields { get; set; }
}

public sealed record TokenizeResponse
{
    public required int Count { get; init; }
    public required int MaxModelLen { get; init; }
    public required IReadOnlyList<int> Tokens { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public IReadOnlyList<string>? TokenStrs { get; init; }

    /// <summary>Extension: how many of <see cref="Count"/> are images' visual tokens.</summary>
    public int ImageTokens { get; init; }
}

/// <summary>Body of <c>POST /detokenize</c>.</summary>
public sealed record DetokenizeRequest
{
    public string? Model { get; init; }
    public IReadOnlyList<int>? Tokens { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnrecognizedFields { get; set; }
}

public sealed record DetokenizeResponse
{
    public required string Prompt { get; init; }
}
