using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Inference.Sampling;

namespace FlorenceVL.Engine.Tests.Inference;

/// <summary>
/// A model-free stand-in for the model runner that keeps the scheduler honest: it writes each scheduled token's
/// "K/V" (a value derived from the token, or from the image embedding fetched from the encoder cache) into paged
/// slots through the block table, and samples the next token from everything it reads back through the block
/// table. A wrong block table, a reused block with other content, or a missing image embedding changes or breaks
/// the output, just as it would with a real model.
/// </summary>
internal sealed class FakeModelRunner(SchedulerConfig config, IEncoderCache<string> encoderCache)
{
    private readonly long[] _slots = new long[config.NumBlocks * config.BlockSize];

    public int VisionTowerRuns { get; private set; }

    public ModelRunnerOutput Run(ScheduledBatch batch)
    {
        foreach (var input in batch.EncoderInputs)
        {
            encoderCache.Store(input.ContentHash, "embedding:" + input.ContentHash);
            VisionTowerRuns++;
        }
        var sampled = new Dictionary<long, SampledToken>();
        foreach (var scheduled in batch.Sequences)
        {
            for (var p = scheduled.StartPosition; p < scheduled.EndPosition; p++)
                _slots[Slot(scheduled.BlockTable, p)] = KeyValue(scheduled, p);
            if (scheduled.NeedsLogits)
                sampled[scheduled.SequenceId] = new SampledToken(Sample(scheduled), null, null);
        }
        return new ModelRunnerOutput(sampled, batch.EncoderInputs.Count);
    }

    /// <summary>The token a model sampling greedily from these exact tokens and images would produce.</summary>
    public static int NextToken(IEnumerable<long> keyValues)
    {
        var hash = 1469598103934665603UL;
        foreach (var value in keyValues)
            hash = (hash ^ (ulong)value) * 1099511628211UL;
        return (int)(hash % 5000) + 10;
    }

    private long KeyValue(ScheduledSequence scheduled, int position)
    {
        var image = scheduled.Images.FirstOrDefault(im => position >= im.Offset && position < im.End);
        if (image is null)
            return scheduled.TokenIds[position - scheduled.StartPosition];
        if (!encoderCache.TryGetValue(image.ContentHash, out var embedding))
            throw new InvalidOperationException($"Embedding of {image.ContentHash} is not in the encoder cache.");
        return (uint)HashCode.Combine(embedding, position - image.Offset) | (1L << 40);
    }

    private int Sample(ScheduledSequence scheduled) =>
        NextToken(Enumerable.Range(0, scheduled.EndPosition).Select(p => _slots[Slot(scheduled.BlockTable, p)]));

    private int Slot(IReadOnlyList<int> blockTable, int position) =>
        blockTable[position / config.BlockSize] * config.BlockSize + position % config.BlockSize;
}
