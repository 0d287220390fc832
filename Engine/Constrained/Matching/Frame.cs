namespace FlorenceVL.Engine.Constrained;

/// <summary>
/// Where a parse stands inside one JSON value. Frames are immutable records: a byte yields new frames, never
/// changes one, which is what makes matcher states cheap to keep, compare and share.
/// </summary>
internal abstract record Frame
{
    /// <summary>Consumes <paramref name="b"/> with this frame on top of <paramref name="stack"/>; writes every successor stack to <paramref name="next"/>.</summary>
    public abstract void Consume(byte b, FrameStack stack, MatchContext context, List<FrameStack> next);

    /// <summary>The value may end here without another byte (a number's digits, a literal that is complete).</summary>
    public virtual bool CanFinish => false;

    /// <summary>The frame after the child value this container pushed has finished.</summary>
    public virtual Frame AfterChild() => throw new InvalidOperationException($"{GetType().Name} has no child values.");

    public static bool IsSpace(byte b) => b == (byte)' ';
}
