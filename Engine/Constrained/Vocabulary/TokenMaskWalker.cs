namespace FlorenceVL.Engine.Constrained;

/// <summary>
/// Depth-first walk of the token trie carrying the parse state: a token is allowed when the state survives all
/// its bytes. One scratch list per trie level keeps the walk free of list allocations.
/// </summary>
internal static class TokenMaskWalker
{
    [ThreadStatic] private static List<FrameStack>[]? t_scratch;

    public static void Fill(TokenTrie trie, ParseState state, MatchContext context, Span<uint> row)
    {
        var scratch = ScratchFor(trie.MaxDepth + 1);
        Walk(trie, 0, state, context, row, scratch, 0);
    }

    private static void Walk(TokenTrie trie, int node, ParseState state, MatchContext context, Span<uint> row, List<FrameStack>[] scratch, int depth)
    {
        for (var edge = trie.ChildStart[node]; edge < trie.ChildStart[node + 1]; edge++)
        {
            var next = state.Advance(trie.EdgeByte[edge], context, scratch[depth]);
            if (next is null) continue;
            var child = trie.EdgeChild[edge];
            for (var t = trie.TokenStart[child]; t < trie.TokenStart[child + 1]; t++)
            {
                var id = trie.TokenIds[t];
                row[id >> 5] |= 1u << (id & 31);
            }
            Walk(trie, child, next, context, row, scratch, depth + 1);
        }
    }

    private static List<FrameStack>[] ScratchFor(int levels)
    {
        if (t_scratch is { } existing && existing.Length >= levels) return existing;
        t_scratch = Enumerable.Range(0, levels).Select(_ => new List<FrameStack>()).ToArray();
        return t_scratch;
    }
}
