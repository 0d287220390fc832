namespace FlorenceVL.Engine.Constrained;

/// <summary>
/// One node of a compiled grammar: the shape of one JSON value. Nodes form a graph (a <c>$ref</c> cycle is a
/// cycle of references), are immutable once compiled, and are compared by reference inside frames.
/// </summary>
internal abstract class GrammarNode
{
    /// <summary>
    /// Fewest matcher frames a value of this node needs (a leaf is 1, each container level adds 1); int.MaxValue
    /// when no finite value exists. The matcher only enters a node that fits under the depth limit, so no
    /// sequence is ever left with nothing allowed.
    /// </summary>
    public int MinDepth { get; set; } = int.MaxValue;
}

/// <summary>An object with declared properties, generated in declaration order; optional ones may be skipped.</summary>
internal sealed class ObjectNode(IReadOnlyList<PropertySlot> properties) : GrammarNode
{
    public IReadOnlyList<PropertySlot> Properties { get; } = properties;

    /// <summary>Index of the first required property at or after <paramref name="start"/>, or Count when none.</summary>
    public int FirstRequiredFrom(int start)
    {
        for (var i = start; i < Properties.Count; i++)
            if (Properties[i].IsRequired) return i;
        return Properties.Count;
    }
}

/// <summary><paramref name="EncodedKey"/> is the key's JSON text without the opening quote, closing quote included.</summary>
internal sealed record PropertySlot(string Name, byte[] EncodedKey, bool IsRequired)
{
    public GrammarNode Value { get; set; } = null!;
}

/// <summary>An object with any string keys whose values all follow <see cref="Value"/> (plain <c>json_object</c> mode).</summary>
internal sealed class MapNode : GrammarNode
{
    public GrammarNode Value { get; set; } = null!;
}

internal sealed class ArrayNode(int minItems, int maxItems) : GrammarNode
{
    public int MinItems { get; } = minItems;

    public int MaxItems { get; set; } = maxItems;

    public GrammarNode Items { get; set; } = null!;
}

internal sealed class StringNode : GrammarNode;

internal sealed class NumberNode(bool isInteger) : GrammarNode
{
    public bool IsInteger { get; } = isInteger;
}

/// <summary>A closed set of JSON texts (enum, const, true/false, null), each in canonical compact form.</summary>
internal sealed class LiteralNode(IReadOnlyList<byte[]> literals) : GrammarNode
{
    public IReadOnlyList<byte[]> Literals { get; } = literals;
}

/// <summary>anyOf and type arrays: a value of any one alternative. The matcher forks one stack per alternative.</summary>
internal sealed class UnionNode : GrammarNode
{
    public List<GrammarNode> Alternatives { get; } = [];
}

/// <summary>A <c>$ref</c>; its target is set once the definition is compiled, which lets a definition refer to itself.</summary>
internal sealed class RefNode : GrammarNode
{
    public GrammarNode Target { get; set; } = null!;

    public static GrammarNode Resolve(GrammarNode node)
    {
        while (node is RefNode reference) node = reference.Target;
        return node;
    }
}
