namespace FlorenceVL.Engine.Constrained;

internal enum ArrayPhase { Open, BeforeFirst, InItem, AfterItem, AfterComma }

/// <summary>
/// <code>'[' _ ( item _ ( ',' _ item _ )* )? ']'</code> with minItems/maxItems counted in <see cref="NumItems"/>:
/// ']' only once minItems are in, ',' only while another item fits.
/// </summary>
internal sealed record ArrayFrame(ArrayNode Node, ArrayPhase Phase, int NumItems = 0, bool SpaceUsed = false) : Frame
{
    public override Frame AfterChild() => this with { Phase = ArrayPhase.AfterItem, NumItems = NumItems + 1, SpaceUsed = false };

    public override void Consume(byte b, FrameStack stack, MatchContext context, List<FrameStack> next)
    {
        if (IsSpace(b) && !SpaceUsed && Phase is ArrayPhase.BeforeFirst or ArrayPhase.AfterItem or ArrayPhase.AfterComma)
        {
            next.Add(stack.WithTop(this with { SpaceUsed = true }));
            return;
        }
        switch (Phase)
        {
            case ArrayPhase.Open when b == (byte)'[':
                next.Add(stack.WithTop(this with { Phase = ArrayPhase.BeforeFirst }));
                break;
            case ArrayPhase.BeforeFirst when b == (byte)']' && Node.MinItems == 0:
            case ArrayPhase.AfterItem when b == (byte)']' && NumItems >= Node.MinItems:
                next.Add(stack.PopFinished());
                break;
            case ArrayPhase.AfterItem when b == (byte)',' && CanAddItem(stack, context):
                next.Add(stack.WithTop(this with { Phase = ArrayPhase.AfterComma, SpaceUsed = false }));
                break;
            case ArrayPhase.BeforeFirst or ArrayPhase.AfterComma when CanAddItem(stack, context):
                context.Push(Node.Items, stack.WithTop(this with { Phase = ArrayPhase.InItem }), b, next);
                break;
        }
    }

    private bool CanAddItem(FrameStack stack, MatchContext context) => NumItems < Node.MaxItems && context.Fits(Node.Items, stack);
}
