namespace FlorenceVL.Engine.Constrained;

internal enum ObjectPhase { Open, BeforeKey, InKey, AfterKey, AfterColon, InValue, AfterValue }

/// <summary>
/// An object with declared properties, in declaration order:
/// <code>
///   '{' _ ( key _ ':' _ value _ ( ',' _ key _ ':' _ value _ )* )? '}'      _ = at most one space
/// </code>
/// Keys are matched byte by byte against the candidates: every property from <see cref="Next"/> up to and
/// including the first required one (optional ones may be skipped, required ones never). A ',' is only
/// allowed when some candidate can follow and a '}' only when no required property is left, so the object
/// can always be finished.
/// </summary>
internal sealed record ObjectFrame(
    ObjectNode Node, ObjectPhase Phase, int Next = 0, bool AnyEmitted = false, bool SpaceUsed = false,
    int Property = 0, int KeyOffset = 0) : Frame
{
    public override Frame AfterChild() =>
        this with { Phase = ObjectPhase.AfterValue, Next = Property + 1, AnyEmitted = true, SpaceUsed = false };

    public override void Consume(byte b, FrameStack stack, MatchContext context, List<FrameStack> next)
    {
        if (IsSpace(b) && !SpaceUsed && Phase is ObjectPhase.BeforeKey or ObjectPhase.AfterKey or ObjectPhase.AfterColon or ObjectPhase.AfterValue)
        {
            next.Add(stack.WithTop(this with { SpaceUsed = true }));
            return;
        }
        switch (Phase)
        {
            case ObjectPhase.Open when b == (byte)'{':
                next.Add(stack.WithTop(this with { Phase = ObjectPhase.BeforeKey }));
                break;
            case ObjectPhase.BeforeKey when b == (byte)'"':
                if (FirstCandidate(stack, context) is int first)
                    next.Add(stack.WithTop(this with { Phase = ObjectPhase.InKey, Property = first, KeyOffset = 0 }));
                break;
            case ObjectPhase.BeforeKey when b == (byte)'}' && !AnyEmitted && NoRequiredLeft:
            case ObjectPhase.AfterValue when b == (byte)'}' && NoRequiredLeft:
                next.Add(stack.PopFinished());
                break;
            case ObjectPhase.AfterValue when b == (byte)',' && FirstCandidate(stack, context) is not null:
                next.Add(stack.WithTop(this with { Phase = ObjectPhase.BeforeKey, SpaceUsed = false }));
                break;
            case ObjectPhase.InKey:
                ConsumeKeyByte(b, stack, context, next);
                break;
            case ObjectPhase.AfterKey when b == (byte)':':
                next.Add(stack.WithTop(this with { Phase = ObjectPhase.AfterColon, SpaceUsed = false }));
                break;
            case ObjectPhase.AfterColon:
                context.Push(Node.Properties[Property].Value, stack.WithTop(this with { Phase = ObjectPhase.InValue }), b, next);
                break;
        }
    }

    private bool NoRequiredLeft => Node.FirstRequiredFrom(Next) == Node.Properties.Count;

    private int LastCandidate => Math.Min(Node.FirstRequiredFrom(Next), Node.Properties.Count - 1);

    private int? FirstCandidate(FrameStack stack, MatchContext context)
    {
        for (var i = Next; i <= LastCandidate; i++)
            if (context.Fits(Node.Properties[i].Value, stack)) return i;
        return null;
    }

    /// <summary>
    /// <see cref="Property"/> is the first candidate whose key starts with the bytes read so far; the next byte
    /// moves it to the first candidate that also continues with <paramref name="b"/>.
    /// </summary>
    private void ConsumeKeyByte(byte b, FrameStack stack, MatchContext context, List<FrameStack> next)
    {
        var readSoFar = Node.Properties[Property].EncodedKey.AsSpan(0, KeyOffset);
        for (var i = Property; i <= LastCandidate; i++)
        {
            var key = Node.Properties[i].EncodedKey;
            if (key.Length <= KeyOffset || key[KeyOffset] != b || !key.AsSpan().StartsWith(readSoFar)) continue;
            if (!context.Fits(Node.Properties[i].Value, stack)) continue;
            var keyDone = KeyOffset + 1 == key.Length;
            next.Add(stack.WithTop(keyDone
                ? this with { Phase = ObjectPhase.AfterKey, Property = i, SpaceUsed = false }
                : this with { Property = i, KeyOffset = KeyOffset + 1 }));
            return;
        }
    }
}
