namespace FlorenceVL.Engine.Inference;

/// <summary>
/// The scheduler-to-runner contract of one step (vLLM's SchedulerOutput): everything the model runner needs, so the
/// runner never asks anyone for data.
/// </summary>
/// <param name="Sequences">Each scheduled sequence's chunk of this step, in batch order.</param>
/// <param name="EncoderInputs">Images the vision tower encodes this step (once per content hash).</param>
/// <param name="PreemptedSequenceIds">Sequences preempted this step; their KV is gone, their runner state is kept.</param>
public sealed record ScheduledBatch(
    IReadOnlyList<ScheduledSequence> Sequences,
    IReadOnlyList<EncoderInput> EncoderInputs,
    IReadOnlyList<long> PreemptedSequenceIds)
{
    public static ScheduledBatch Empty { get; } = new([], [], []);

    /// <summary>Sequences scheduled for the first time this step, with what the runner keeps for them.</summary>
    public IReadOnlyList<NewSequence> NewSequences { get; init; } = [];

    /// <summary>Sequences that finished (or were aborted) since the previous batch: the runner drops their state.</summary>
    public IReadOnlyList<long> FinishedSequenceIds { get; init; } = [];

    /// <summary>No tokens to run (there may still be finished ids for the runner to drop).</summary>
    public bool IsEmpty => Sequences.Count == 0;

    public int NumScheduledTokens => Sequences.Sum(s => s.NumScheduledTokens);
}
