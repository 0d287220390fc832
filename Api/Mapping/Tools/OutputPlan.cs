using FlorenceVL.Engine.Processing.Text;

namespace FlorenceVL.Api.Mapping;

/// <summary>What a choice's text is: free or structured content, or tool calls in one of OpenAI's tool_choice modes.</summary>
public enum ToolCallMode
{
    /// <summary>No tools offered, or tool_choice "none": the text is the content.</summary>
    None,

    /// <summary>tool_choice names a function: the text is that call's arguments.</summary>
    Named,

    /// <summary>tool_choice "required": the text is one or more calls in the model's format.</summary>
    Required,

    /// <summary>tool_choice "auto": the first token decides between content and calls.</summary>
    Auto,
}

/// <summary>How the Api reads a choice's text back into a message: the mode, the forced function, the model's call format.</summary>
public sealed record OutputPlan(ToolCallMode Calls, string? NamedFunction, ToolCallFormat Format)
{
    public static OutputPlan Content { get; } = new(ToolCallMode.None, null, ToolCallFormat.Phi3);
}
