using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlorenceVL.Contracts.Chat;

/// <summary>One entry of <c>tools</c>: <c>{"type": "function", "function": {...}}</c>.</summary>
public sealed record ToolDefinition
{
    public string? Type { get; init; }
    public FunctionDefinition? Function { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnrecognizedFields { get; set; }
}

public sealed record FunctionDefinition
{
    /// <summary>a-z, A-Z, 0-9, underscores and dashes, at most 64 characters.</summary>
    public string? Name { get; init; }

    public string? Description { get; init; }

    /// <summary>A JSON Schema object for the arguments; absent means the function takes none.</summary>
    public JsonElement? Parameters { get; init; }

    /// <summary>Accepted either way: calls are always constrained to the parameters' schema when the server constrains them.</summary>
    public bool? Strict { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnrecognizedFields { get; set; }
}

public static class ToolTypes
{
    public const string Function = "function";
}
