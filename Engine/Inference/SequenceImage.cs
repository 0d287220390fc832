namespace FlorenceVL.Engine.Inference;

/// <summary>
/// One image of a prompt: its visual tokens occupy token positions [Offset, Offset + Length).
/// <see cref="ContentHash"/> identifies the pixels (or a client-supplied id); it keys the encoder cache and
/// stands in for the placeholder tokens in prefix-cache block hashes.
/// </summary>
public sealed record SequenceImage(string ContentHash, int Offset, int Length)
{
    public int End => Offset + Length;

    public bool Overlaps(int start, int end) => Offset < end && start < End;
}
