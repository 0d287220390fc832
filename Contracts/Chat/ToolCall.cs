using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlorenceVL.Contracts.Chat;

/// <summary>A call the assistant made: in responses, and echoed back by clients in assistant messages.</summary>
public sealed record ToolCall
{
    /// <summary>"call_" and a unique suffix; see <see cref="CompletionIds.NewToolCallId"/>.</summary>
    public string? Id { get; init; }
    public string? Type { get; init; }
    public FunctionCall? Function { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnrecognizedFields { get; set; }
}

public sealed record FunctionCall
{
    public string? Name { get; init; }

    /// <summary>The arguments as JSON text, as OpenAI sends them (a string, not an object).</summary>
    public string? Arguments { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnrecognizedFields { get; set; }
}

/// <summary>A streamed piece of a tool call: the first piece of a call carries its id, type and name.</summary>
public sealed record ToolCallDelta
{
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public required int Index { get; init; }
    public string? Id { get; init; }
    public string? Type { get; init; }
    public FunctionCallDelta? Function { get; init; }
}

public sealed record FunctionCallDelta
{
    public string? Name { get; init; }
    public string? Arguments { get; init; }
}
