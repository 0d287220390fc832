using FlorenceVL.Engine.Modeling.KvCache;
using FlorenceVL.Training.Data;
using static TorchSharp.torch;

namespace FlorenceVL.Training.Modeling;

/// <summary>
/// A batch laid out the way the Engine's decoder runs it: every example's tokens back to back in one flat stream (no
/// padding), each a fresh prefill with its own blocks in a scratch cache, so attention stays within an example.
/// <code>
///   flat tokens:  [ example 0 (T0) | example 1 (T1) | ... ]      positions restart at 0 for each example
///   blocks:       [ 0 .. ceil(T0/bs)-1 | next ceil(T1/bs) ... ]
/// </code>
/// </summary>
internal sealed class PackedSequences : IDisposable
{
    public const int BlockSize = 16;

    private PackedSequences(AttentionMetadata metadata, int numBlocks, IReadOnlyList<int> starts)
    {
        Metadata = metadata;
        NumBlocks = numBlocks;
        Starts = starts;
    }

    public AttentionMetadata Metadata { get; }
    public int NumBlocks { get; }

    /// <summary>Where each example begins in the flat stream.</summary>
    public IReadOnlyList<int> Starts { get; }

    public static PackedSequences Build(IReadOnlyList<TrainingExample> examples, Device device)
    {
        var positions = new List<long>();
        var slots = new List<long>();
        var slices = new List<SequenceSlice>();
        var starts = new List<int>();
        var nextBlock = 0;
        foreach (var example in examples)
        {
            var blocks = (example.Length + BlockSize - 1) / BlockSize;
            starts.Add(positions.Count);
            slices.Add(new SequenceSlice(positions.Count, example.Length, example.Length, arange(nextBlock, nextBlock + blocks, ScalarType.Int64, device)));
            for (var t = 0; t < example.Length; t++)
            {
                positions.Add(t);
                slots.Add((long)nextBlock * BlockSize + t);
            }
            nextBlock += blocks;
        }
        var metadata = new AttentionMetadata(tensor(positions.ToArray(), device: device), tensor(slots.ToArray(), device: device), slices);
        return new PackedSequences(metadata, nextBlock, starts);
    }

    public void Dispose() => Metadata.Dispose();
}
