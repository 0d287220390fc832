using System.Text.Json.Serialization;

namespace FlorenceVL.Contracts.Chat;

/// <summary>
/// <c>tool_choice</c>: a mode string ("none", "auto", "required") or <c>{"type": "function", "function": {"name": ...}}</c>.
/// Exactly one of <see cref="Mode"/> and the object form is set.
/// </summary>
[JsonConverter(typeof(ToolChoiceConverter))]
public sealed record ToolChoice
{
    /// <summary>The string form; null for the object form.</summary>
    public string? Mode { get; init; }

    /// <summary>The object form's "type" (must be "function").</summary>
    public string? Type { get; init; }

    /// <summary>The object form's function name.</summary>
    public string? FunctionName { get; init; }

    [JsonIgnore]
    public bool IsNamedFunction => Mode is null;

    public static ToolChoice FromMode(string mode) => new() { Mode = mode };

    public static ToolChoice ForFunction(string name) => new() { Type = ToolTypes.Function, FunctionName = name };
}

public static class ToolChoiceModes
{
    public const string None = "none";
    public const string Auto = "auto";
    public const string Required = "required";

    public static bool IsSupported(string mode) => mode is None or Auto or Required;
}
