namespace FlorenceVL.Engine.Processing.Text;

/// <summary>A function the model may call: its name, what it does, and its parameters' JSON Schema (an object schema).</summary>
public sealed record ToolSpec(string Name, string? Description, string ParametersJson)
{
    /// <summary>OpenAI: a function without <c>parameters</c> takes none.</summary>
    public const string NoParametersJson = """{"type":"object","properties":{},"additionalProperties":false}""";
}

/// <summary>A call an assistant message made (echoed back in the conversation): its id, the function and its JSON arguments.</summary>
public sealed record ToolCallSpec(string Id, string Name, string ArgumentsJson);
