namespace FlorenceVL.Engine.Inference;

/// <summary>The scheduler-to-runner contract of one step (vLLM's SchedulerOutput).</summary>
public sealed record ScheduledBatch(
    IReadOnlyList<ScheduledSequence> Sequences,
    IReadOnlyList<EncoderInput> EncoderInputs,
    IReadOnlyList<long> PreemptedSequenceIds)
{
    public static ScheduledBatch Empty { get; } = new([], [], []);

    public bool IsEmpty => Sequences.Count == 0;

    public int NumScheduledTokens => Sequences.Sum(s => s.NumScheduledTokens);
}
