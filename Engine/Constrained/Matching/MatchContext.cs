namespace FlorenceVL.Engine.Constrained;

/// <summary>What every frame needs besides its own state: the limits, and how to start a child value.</summary>
internal sealed class MatchContext(GrammarLimits limits)
{
    public GrammarLimits Limits { get; } = limits;

    /// <summary>Frames a stack may hold: the root frame plus <see cref="GrammarLimits.MaxValueDepth"/> value levels.</summary>
    public int MaxFrames { get; } = limits.MaxValueDepth + 1;

    /// <summary>Whether a value of <paramref name="node"/> can still finish when pushed on <paramref name="parent"/>.</summary>
    public bool Fits(GrammarNode node, FrameStack parent) =>
        node.MinDepth != int.MaxValue && parent.Depth + node.MinDepth <= MaxFrames;

    /// <summary>Starts a value of <paramref name="node"/> on <paramref name="parent"/> with its first byte; anyOf forks one stack per alternative.</summary>
    public void Push(GrammarNode node, FrameStack parent, byte b, List<FrameStack> next)
    {
        node = RefNode.Resolve(node);
        if (!Fits(node, parent)) return;
        if (node is UnionNode union)
        {
            foreach (var alternative in union.Alternatives) Push(alternative, parent, b, next);
            return;
        }
        var frame = StartFrame(node);
        frame.Consume(b, new FrameStack(frame, parent), this, next);
    }

    /// <summary>Feeds one byte to a stack: to its top frame, and to the parent too when the top value may end here.</summary>
    public void Feed(FrameStack stack, byte b, List<FrameStack> next)
    {
        stack.Top.Consume(b, stack, this, next);
        if (stack.Top.CanFinish && stack.Below is not null) Feed(stack.PopFinished(), b, next);
    }

    private static Frame StartFrame(GrammarNode node) => node switch
    {
        ObjectNode obj => new ObjectFrame(obj, ObjectPhase.Open),
        MapNode map => new MapFrame(map, MapPhase.Open),
        ArrayNode array => new ArrayFrame(array, ArrayPhase.Open),
        StringNode => StringFrame.Start,
        NumberNode number => new NumberFrame(number.IsInteger, NumberPhase.Start),
        LiteralNode literal => new LiteralFrame(literal, 0, 0),
        _ => throw new InvalidOperationException($"No frame for {node.GetType().Name}."),
    };
}
