namespace FlorenceVL.Engine.Constrained;

internal enum RootPhase { Start, AfterSpace, InValue, Done }

/// <summary>
/// The bottom of every stack: one optional leading space (SentencePiece's "▁{" pieces start with one), the
/// document's value, then nothing: no trailing whitespace, so EOS is the only way on once the value is done.
/// </summary>
internal sealed record RootFrame(GrammarNode Root, RootPhase Phase) : Frame
{
    public override bool CanFinish => Phase == RootPhase.Done;

    public override Frame AfterChild() => this with { Phase = RootPhase.Done };

    public override void Consume(byte b, FrameStack stack, MatchContext context, List<FrameStack> next)
    {
        if (Phase == RootPhase.Start && IsSpace(b)) next.Add(stack.WithTop(this with { Phase = RootPhase.AfterSpace }));
        else if (Phase is RootPhase.Start or RootPhase.AfterSpace)
            context.Push(Root, stack.WithTop(this with { Phase = RootPhase.InValue }), b, next);
    }
}
