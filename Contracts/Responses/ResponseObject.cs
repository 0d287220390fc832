using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlorenceVL.Contracts.Responses;

/// <summary>
/// A Responses API response object (<c>"object": "response"</c>). Besides the output and usage it echoes the
/// request's settings, as OpenAI does; the fields OpenAI always sends are written even when null.
/// </summary>
public sealed record ResponseObject
{
    public required string Id { get; init; }
    public string Object { get; init; } = "response";
    public required long CreatedAt { get; init; }

    /// <summary>in_progress (stream events before the end), completed or incomplete.</summary>
    public required string Status { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public JsonElement? Error { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public IncompleteDetails? IncompleteDetails { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Instructions { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public int? MaxOutputTokens { get; init; }

    public required string Model { get; init; }
    public required IReadOnlyList<ResponseOutputItem> Output { get; init; }
    public bool ParallelToolCalls { get; init; } = true;

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? PreviousResponseId { get; init; }

    public ResponseReasoning Reasoning { get; init; } = new();

    /// <summary>Always false: this server keeps nothing, whatever the request said.</summary>
    public bool Store { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public double? Temperature { get; init; }

    public required ResponsesTextConfig Text { get; init; }

    /// <summary>The request's tool_choice as sent ("auto" when absent).</summary>
    public required JsonElement ToolChoice { get; init; }

    public required IReadOnlyList<ResponsesTool> Tools { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public double? TopP { get; init; }

    public string Truncation { get; init; } = "disabled";

    /// <summary>Null until the response is finished (in the created and in_progress events).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public ResponseUsage? Usage { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? User { get; init; }

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}

public sealed record IncompleteDetails(string Reason);

/// <summary>No reasoning models here: both fields are always null, and written.</summary>
public sealed record ResponseReasoning
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Effort { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Summary { get; init; }
}

/// <summary>
/// One output item, flat: a <c>message</c> (role, content) or a <c>function_call</c> (call_id, name, arguments).
/// </summary>
public sealed record ResponseOutputItem
{
    public required string Type { get; init; }
    public required string Id { get; init; }

    /// <summary>in_progress, completed or incomplete.</summary>
    public required string Status { get; init; }

    public string? Role { get; init; }
    public IReadOnlyList<ResponseOutputContent>? Content { get; init; }
    public string? CallId { get; init; }
    public string? Name { get; init; }
    public string? Arguments { get; init; }
}

/// <summary>An output_text part; annotations (citations) are always empty here.</summary>
public sealed record ResponseOutputContent
{
    public string Type { get; init; } = ResponsesTypes.OutputText;
    public required string Text { get; init; }
    public IReadOnlyList<JsonElement> Annotations { get; init; } = [];
    public IReadOnlyList<JsonElement> Logprobs { get; init; } = [];
}

public sealed record ResponseUsage
{
    public required int InputTokens { get; init; }
    public required ResponseInputTokensDetails InputTokensDetails { get; init; }
    public required int OutputTokens { get; init; }
    public ResponseOutputTokensDetails OutputTokensDetails { get; init; } = new();
    public int TotalTokens => InputTokens + OutputTokens;
}

public sealed record ResponseInputTokensDetails
{
    public required int CachedTokens { get; init; }

    /// <summary>Extension, as on the chat path: how many input tokens are image placeholder tokens.</summary>
    public int? ImageTokens { get; init; }
}

public sealed record ResponseOutputTokensDetails
{
    public int ReasoningTokens { get; init; }
}

/// <summary>
/// One server-sent event of a streamed response, flat: <see cref="Type"/> says which fields it carries (the SSE
/// event name is the same string). Unused fields are null and omitted.
/// </summary>
public sealed record ResponseStreamEvent
{
    public required string Type { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public required int SequenceNumber { get; init; }

    public ResponseObject? Response { get; init; }
    public int? OutputIndex { get; init; }
    public int? ContentIndex { get; init; }
    public string? ItemId { get; init; }
    public ResponseOutputItem? Item { get; init; }
    public ResponseOutputContent? Part { get; init; }
    public string? Delta { get; init; }
    public string? Text { get; init; }
    public string? Name { get; init; }
    public string? Arguments { get; init; }
    public IReadOnlyList<JsonElement>? Logprobs { get; init; }

    /// <summary>The error event's fields.</summary>
    public string? Code { get; init; }
    public string? Message { get; init; }
    public string? Param { get; init; }
}

public static class ResponseStatuses
{
    public const string InProgress = "in_progress";
    public const string Completed = "completed";
    public const string Incomplete = "incomplete";
}
