using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlorenceVL.Contracts.Chat;

public sealed record ChatMessage
{
    public string? Role { get; init; }

    /// <summary>A string or an array of parts; may be absent or null on assistant messages only.</summary>
    public MessageContent? Content { get; init; }

    /// <summary>Optional participant name; accepted and not used by the prompt template.</summary>
    public string? Name { get; init; }

    /// <summary>An earlier assistant refusal, echoed back by clients; accepted and ignored.</summary>
    public string? Refusal { get; init; }

    /// <summary>An assistant message's calls, echoed back by the client.</summary>
    public IReadOnlyList<ToolCall>? ToolCalls { get; init; }

    /// <summary>A tool message's answer to this call id of the previous assistant message.</summary>
    public string? ToolCallId { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnrecognizedFields { get; set; }
}
