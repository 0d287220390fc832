namespace FlorenceVL.Engine.Inference;

/// <summary>
/// One sequence's share of a step: tokens [StartPosition, StartPosition + NumScheduledTokens) are run and their
/// K/V written into <see cref="BlockTable"/>. A decode is just a one-token chunk.
/// </summary>
/// <param name="TokenIds">The scheduled tokens (placeholders at visual positions).</param>
/// <param name="NeedsLogits">The chunk reaches the last known token, so a new token is sampled.</param>
/// <param name="Images">Images overlapping the chunk; their embeddings are in the encoder cache.</param>
public sealed record ScheduledSequence(
    long SequenceId,
    int StartPosition,
    int NumScheduledTokens,
    bool NeedsLogits,
    IReadOnlyList<int> TokenIds,
    IReadOnlyList<int> BlockTable,
    IReadOnlyList<SequenceImage> Images)
{
    public int EndPosition => StartPosition + NumScheduledTokens;

    /// <summary>The sequence's prompt length (decides LongRoPE's factor set for every prompt chunk alike).</summary>
    public int NumPromptTokens { get; init; }
}
