namespace FlorenceVL.Engine.Constrained;

/// <summary>
/// The matcher's position after some bytes: every parse stack still alive (usually one; anyOf alternatives that
/// share a prefix keep several until the bytes tell them apart). Immutable, so keeping one per token for
/// rollback, or sharing one between forked choices, costs nothing.
/// </summary>
internal sealed class ParseState : IEquatable<ParseState>
{
    private readonly FrameStack[] _stacks;

    private ParseState(FrameStack[] stacks) => _stacks = stacks;

    public static ParseState Start(GrammarNode root) => new([new FrameStack(new RootFrame(root, RootPhase.Start), null)]);

    public bool IsAccepting => _stacks.Any(s => s.IsAccepting());

    /// <summary>The state after <paramref name="b"/>, or null when no stack can take it. <paramref name="scratch"/> is reused to spare allocations.</summary>
    public ParseState? Advance(byte b, MatchContext context, List<FrameStack> scratch)
    {
        scratch.Clear();
        foreach (var stack in _stacks) context.Feed(stack, b, scratch);
        if (scratch.Count == 0) return null;
        return new ParseState(scratch.Count == 1 ? [scratch[0]] : scratch.Distinct().ToArray());
    }

    /// <summary>
    /// This state with each string's length forgotten (set to 0) where at least <paramref name="slack"/> more bytes
    /// would still fit: no token can then tell the two apart, so they share one mask (see <see cref="MaskCache"/>).
    /// </summary>
    public ParseState CacheKey(int slack, GrammarLimits limits)
    {
        FrameStack[]? normalized = null;
        for (var i = 0; i < _stacks.Length; i++)
        {
            if (_stacks[i].Top is not StringFrame { Length: > 0 } text || text.Length > limits.MaxStringBytes - slack) continue;
            normalized ??= (FrameStack[])_stacks.Clone();
            normalized[i] = _stacks[i].WithTop(text with { Length = 0 });
        }
        return normalized is null ? this : new ParseState(normalized);
    }

    public bool Equals(ParseState? other) => other is not null && _stacks.AsSpan().SequenceEqual(other._stacks);

    public override bool Equals(object? obj) => Equals(obj as ParseState);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var stack in _stacks) hash.Add(stack);
        return hash.ToHashCode();
    }

    public ParseState? Advance(ReadOnlySpan<byte> bytes, MatchContext context, List<FrameStack> scratch)
    {
        var state = this;
        foreach (var b in bytes)
        {
            state = state.Advance(b, context, scratch);
            if (state is null) return null;
        }
        return state;
    }
}
