namespace FlorenceVL.Engine.Inference;

/// <summary>Collects one step's decisions and the remaining token budget while Schedule() runs.</summary>
internal sealed class ScheduledBatchBuilder(int tokenBudget)
{
    private readonly List<ScheduledSequence> _sequences = [];

    public int Budget { get; private set; } = tokenBudget;

    public List<EncoderInput> EncoderInputs { get; } = [];

    public List<long> Preempted { get; } = [];

    public List<NewSequence> New { get; } = [];

    public List<long> Finished { get; } = [];

    public void Add(Sequence sequence, int numTokens)
    {
        var start = sequence.NumComputedTokens;
        var end = start + numTokens;
        _sequences.Add(new ScheduledSequence(
            sequence.Id,
            start,
            numTokens,
            NeedsLogits: end == sequence.NumTokens,
            TokenIds: sequence.TokenIds.Skip(start).Take(numTokens).ToArray(),
            BlockTable: [.. sequence.BlockTable],
            Images: [.. sequence.Images.Where(image => image.Overlaps(start, end))])
        {
            NumPromptTokens = sequence.NumPromptTokens,
        });
        Budget -= numTokens;
    }

    public ScheduledBatch Build() =>
        _sequences.Count == 0 && Preempted.Count == 0 && Finished.Count == 0
            ? ScheduledBatch.Empty
            : new(_sequences, EncoderInputs, Preempted) { NewSequences = New, FinishedSequenceIds = Finished };
}
