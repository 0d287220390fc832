namespace FlorenceVL.Training.Data;

/// <summary>
/// Length-aware batching (LLaVA's length-grouped sampler): shuffle, cut into mega-batches of
/// <c>batchSize * megabatchFactor</c>, sort each by length so a batch holds similar lengths (little padding), then
/// shuffle the order of batches. A pure function of (seed, epoch), so resuming at (epoch, batch) replays the same data.
/// </summary>
public sealed class LengthGroupedBatcher(IReadOnlyList<int> lengths, int batchSize, int seed, int megabatchFactor = LengthGroupedBatcher.DefaultMegabatchFactor)
{
    public const int DefaultMegabatchFactor = 8;

    public int NumBatchesPerEpoch => (lengths.Count + batchSize - 1) / batchSize;

    public IReadOnlyList<int[]> Batches(int epoch)
    {
        // Not HashCode.Combine: it is salted per process, and the order must be the same in a resumed run.
        var random = new Random(unchecked(seed * 1_000_003 + epoch));
        var order = Enumerable.Range(0, lengths.Count).ToArray();
        random.Shuffle(order);
        var batches = new List<int[]>(NumBatchesPerEpoch);
        foreach (var megabatch in order.Chunk(batchSize * megabatchFactor))
        {
            var sorted = megabatch.OrderByDescending(i => lengths[i]).ThenBy(i => i).ToArray();
            batches.AddRange(sorted.Chunk(batchSize));
        }
        var shuffled = batches.ToArray();
        random.Shuffle(shuffled);
        return shuffled;
    }
}
