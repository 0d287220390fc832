namespace FlorenceVL.Engine.Constrained;

/// <summary>
/// Partway through one of a closed set of JSON texts (enum, const, true, false, null). <see cref="Candidate"/>
/// is the first literal that starts with the <see cref="Offset"/> bytes read so far; the others that share
/// that prefix are found again on each byte, so the frame stays two ints.
/// </summary>
internal sealed record LiteralFrame(LiteralNode Node, int Candidate, int Offset) : Frame
{
    public override bool CanFinish => Matching().Any(literal => literal.Length == Offset);

    public override void Consume(byte b, FrameStack stack, MatchContext context, List<FrameStack> next)
    {
        var literals = Node.Literals;
        var readSoFar = literals[Candidate].AsSpan(0, Offset);
        for (var i = Candidate; i < literals.Count; i++)
        {
            var literal = literals[i];
            if (literal.Length > Offset && literal[Offset] == b && literal.AsSpan().StartsWith(readSoFar))
            {
                next.Add(stack.WithTop(this with { Candidate = i, Offset = Offset + 1 }));
                return;
            }
        }
    }

    private IEnumerable<byte[]> Matching()
    {
        var prefix = Node.Literals[Candidate][..Offset];
        return Node.Literals.Skip(Candidate).Where(literal => literal.AsSpan().StartsWith(prefix));
    }
}
