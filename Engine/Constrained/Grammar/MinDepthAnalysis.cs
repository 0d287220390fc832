namespace FlorenceVL.Engine.Constrained;

/// <summary>
/// Fixpoint over the node graph: the fewest frames a finished value of each node needs. Nodes that admit no
/// finite value keep int.MaxValue (a required property that recurses forever); the matcher never enters them.
/// </summary>
internal static class MinDepthAnalysis
{
    public static void Run(IReadOnlyList<GrammarNode> nodes)
    {
        var changed = true;
        while (changed)
        {
            changed = false;
            foreach (var node in nodes)
            {
                var depth = Compute(node);
                if (depth >= node.MinDepth) continue;
                node.MinDepth = depth;
                changed = true;
            }
        }
    }

    private static int Compute(GrammarNode node) => node switch
    {
        ObjectNode obj => Nest(obj.Properties.Where(p => p.IsRequired).Select(p => p.Value.MinDepth).DefaultIfEmpty(0).Max()),
        ArrayNode array => Nest(array.MinItems > 0 ? array.Items.MinDepth : 0),
        MapNode => 1,
        UnionNode union => union.Alternatives.Min(a => a.MinDepth),
        RefNode reference => reference.Target.MinDepth,
        _ => 1,
    };

    private static int Nest(int childDepth) => childDepth == int.MaxValue ? int.MaxValue : childDepth + 1;
}
