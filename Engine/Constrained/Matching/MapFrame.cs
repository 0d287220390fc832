namespace FlorenceVL.Engine.Constrained;

internal enum MapPhase { Open, BeforeFirstKey, InKey, AfterKey, AfterColon, InValue, AfterValue, AfterComma }

/// <summary>
/// An object with free keys (<c>json_object</c> mode, <c>additionalProperties</c> schemas): keys are pushed as
/// string values, then <c>':'</c> and a value. Same whitespace rule as <see cref="ObjectFrame"/>. Keys are not
/// checked for duplicates.
/// </summary>
internal sealed record MapFrame(MapNode Node, MapPhase Phase, bool SpaceUsed = false) : Frame
{
    private static readonly StringNode KeyNode = new() { MinDepth = 1 };

    public override Frame AfterChild() => this with
    {
        Phase = Phase == MapPhase.InKey ? MapPhase.AfterKey : MapPhase.AfterValue,
        SpaceUsed = false,
    };

    public override void Consume(byte b, FrameStack stack, MatchContext context, List<FrameStack> next)
    {
        if (IsSpace(b) && !SpaceUsed && Phase is not (MapPhase.Open or MapPhase.InKey or MapPhase.InValue))
        {
            next.Add(stack.WithTop(this with { SpaceUsed = true }));
            return;
        }
        switch (Phase)
        {
            case MapPhase.Open when b == (byte)'{':
                next.Add(stack.WithTop(this with { Phase = MapPhase.BeforeFirstKey }));
                break;
            case MapPhase.BeforeFirstKey when b == (byte)'}':
            case MapPhase.AfterValue when b == (byte)'}':
                next.Add(stack.PopFinished());
                break;
            case MapPhase.BeforeFirstKey or MapPhase.AfterComma when context.Fits(Node.Value, stack):
                context.Push(KeyNode, stack.WithTop(this with { Phase = MapPhase.InKey }), b, next);
                break;
            case MapPhase.AfterKey when b == (byte)':':
                next.Add(stack.WithTop(this with { Phase = MapPhase.AfterColon, SpaceUsed = false }));
                break;
            case MapPhase.AfterColon:
                context.Push(Node.Value, stack.WithTop(this with { Phase = MapPhase.InValue }), b, next);
                break;
            case MapPhase.AfterValue when b == (byte)',' && context.Fits(Node.Value, stack):
                next.Add(stack.WithTop(this with { Phase = MapPhase.AfterComma, SpaceUsed = false }));
                break;
        }
    }
}
