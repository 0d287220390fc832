namespace FlorenceVL.Engine.Processing.Text;

/// <summary>
/// How a model family writes tool calls, which the chat template teaches it, the grammar enforces and the parser
/// reads back. Llama 3.1 has a native format (its chat template's JSON-based tool calling): one
/// <c>{"name": ..., "parameters": {...}}</c> object per turn, optionally after &lt;|python_tag|&gt;. Phi-3.5 has no
/// tool tokens or format, so ours is a JSON array of <c>{"name": ..., "arguments": {...}}</c> objects: an array
/// carries parallel calls, opens with a byte ('[') that plain answers rarely start with, and uses OpenAI's own key.
/// </summary>
public sealed record ToolCallFormat(ToolCallShape Shape, string ArgumentsKey, int? TriggerTokenId)
{
    /// <summary>The first non-space byte of a call in an <c>auto</c> answer.</summary>
    public byte OpeningByte => Shape == ToolCallShape.Array ? (byte)'[' : (byte)'{';

    public bool SupportsParallelCalls => Shape == ToolCallShape.Array;

    public static ToolCallFormat Phi3 { get; } = new(ToolCallShape.Array, "arguments", null);

    public static ToolCallFormat Llama31(int? pythonTagId) => new(ToolCallShape.SingleObject, "parameters", pythonTagId);
}

public enum ToolCallShape
{
    /// <summary>A JSON array of call objects (one or more calls).</summary>
    Array,

    /// <summary>One JSON call object (one call per turn).</summary>
    SingleObject,
}
