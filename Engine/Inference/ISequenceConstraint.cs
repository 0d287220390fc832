namespace FlorenceVL.Engine.Inference;

/// <summary>
/// Per-sequence state that restricts sampling (a grammar matcher for structured outputs). It lives in the runner's
/// <see cref="RunnerSequence"/>, which preemption keeps: a preempted sequence keeps its generated tokens and is
/// recomputed, so the constraint has accepted exactly those tokens and needs no rollback. Engine thread only.
/// </summary>
public interface ISequenceConstraint
{
    /// <summary>
    /// Writes the ids allowed next as a bitmask (bit id % 32 of word id / 32) into <paramref name="row"/>, which holds
    /// ceil(vocab / 32) words. Returns false when nothing is restricted this step (the row is then ignored). A
    /// restricting row always allows at least one id.
    /// </summary>
    bool FillMask(Span<uint> row);

    /// <summary>Advances past the token sampled for the sequence.</summary>
    void Accept(int tokenId);
}
