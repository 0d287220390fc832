using System.Text.Json.Serialization;

namespace FlorenceVL.Contracts.Chat;

/// <summary>One server-sent event of a streamed completion ("object": "chat.completion.chunk").</summary>
public sealed record ChatCompletionChunk
{
    /// <summary>The same id on every chunk of one completion.</summary>
    public required string Id { get; init; }
    public string Object { get; init; } = "chat.completion.chunk";
    public required long Created { get; init; }
    public required string Model { get; init; }
    public string? SystemFingerprint { get; init; }

    /// <summary>Empty on the final usage chunk (stream_options.include_usage).</summary>
    public required IReadOnlyList<ChunkChoice> Choices { get; init; }

    /// <summary>Null on every chunk except the final usage chunk.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public CompletionUsage? Usage { get; init; }
}

public sealed record ChunkChoice
{
    public required int Index { get; init; }
    public required ChunkDelta Delta { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public ChoiceLogprobs? Logprobs { get; init; }

    /// <summary>Null until the choice's last chunk.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? FinishReason { get; init; }
}

/// <summary>The new part of the message: role on the first chunk, content pieces after; an empty object at the end.</summary>
public sealed record ChunkDelta
{
    public string? Role { get; init; }
    public string? Content { get; init; }

    /// <summary>Pieces of tool calls, by call index.</summary>
    public IReadOnlyList<ToolCallDelta>? ToolCalls { get; init; }
}
