namespace FlorenceVL.Engine.Constrained;

/// <summary>
/// A prefix tree over the text tokens' bytes, flattened into arrays. A mask walks it depth first and drops a
/// whole subtree the moment its prefix is refused, so shared prefixes are matched once, not once per token.
/// </summary>
internal sealed class TokenTrie
{
    // Node n's children are edges [ChildStart[n], ChildStart[n + 1]); the tokens ending at n are
    // TokenIds[TokenStart[n] .. TokenStart[n + 1]). Node 0 is the root (the empty prefix).
    public required int[] ChildStart { get; init; }
    public required byte[] EdgeByte { get; init; }
    public required int[] EdgeChild { get; init; }
    public required int[] TokenStart { get; init; }
    public required int[] TokenIds { get; init; }
    public required int MaxDepth { get; init; }

    public int NumNodes => ChildStart.Length - 1;

    public static TokenTrie Build(IReadOnlyList<byte[]?> tokens)
    {
        var children = new List<SortedDictionary<byte, int>> { new() };
        var endingHere = new List<List<int>> { new() };
        var maxDepth = 0;
        for (var id = 0; id < tokens.Count; id++)
        {
            if (tokens[id] is not { Length: > 0 } bytes) continue;
            var node = 0;
            foreach (var b in bytes)
            {
                if (!children[node].TryGetValue(b, out var child))
                {
                    child = children.Count;
                    children[node][b] = child;
                    children.Add(new());
                    endingHere.Add(new());
                }
                node = child;
            }
            endingHere[node].Add(id);
            maxDepth = Math.Max(maxDepth, bytes.Length);
        }
        return Flatten(children, endingHere, maxDepth);
    }

    private static TokenTrie Flatten(List<SortedDictionary<byte, int>> children, List<List<int>> endingHere, int maxDepth)
    {
        var childStart = new int[children.Count + 1];
        var tokenStart = new int[children.Count + 1];
        for (var n = 0; n < children.Count; n++)
        {
            childStart[n + 1] = childStart[n] + children[n].Count;
            tokenStart[n + 1] = tokenStart[n] + endingHere[n].Count;
        }
        return new TokenTrie
        {
            ChildStart = childStart,
            EdgeByte = children.SelectMany(c => c.Keys).ToArray(),
            EdgeChild = children.SelectMany(c => c.Values).ToArray(),
            TokenStart = tokenStart,
            TokenIds = endingHere.SelectMany(t => t).ToArray(),
            MaxDepth = maxDepth,
        };
    }
}
