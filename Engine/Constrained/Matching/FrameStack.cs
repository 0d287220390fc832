namespace FlorenceVL.Engine.Constrained;

/// <summary>
/// One parse stack as a persistent list: pushing or replacing the top shares everything below, so forking a
/// stack (anyOf alternatives, matcher clones) costs one small object.
/// </summary>
internal sealed record FrameStack(Frame Top, FrameStack? Below)
{
    public int Depth { get; } = (Below?.Depth ?? 0) + 1;

    public FrameStack WithTop(Frame top) => new(top, Below);

    /// <summary>The top frame's value is complete: the parent takes note and becomes the top.</summary>
    public FrameStack PopFinished() => Below!.WithTop(Below.Top.AfterChild());

    /// <summary>True when every open value on this stack may end now, so the document may end (EOS allowed).</summary>
    public bool IsAccepting() => Top.CanFinish && (Below is null || PopFinished().IsAccepting());
}
