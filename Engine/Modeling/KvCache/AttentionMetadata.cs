using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.KvCache;

/// <summary>
/// Everything attention needs to know about one forward step over a flat batch of tokens from several sequences
/// (vLLM's layout: hidden states [numTokens, hidden], no padding). Positions [numTokens] int64 are each token's
/// position in its sequence; SlotMapping [numTokens] int64 is where its K/V go in the cache (blockId * blockSize +
/// offset). Both live on the model's device; the per-sequence lengths stay on the host so planning never syncs.
/// The caller keeps positions consistent with lengths: a sequence's new tokens sit at CachedLength .. ContextLength-1.
/// Owns its tensors (the sequences' block tables included).
/// </summary>
public sealed record AttentionMetadata : IDisposable
{
    public AttentionMetadata(Tensor positions, Tensor slotMapping, IReadOnlyList<SequenceSlice> sequences)
    {
        Positions = positions;
        SlotMapping = slotMapping;
        Sequences = sequences;
        Validate();
    }

    public Tensor Positions { get; }
    public Tensor SlotMapping { get; }
    public IReadOnlyList<SequenceSlice> Sequences { get; }
    public int NumTokens => (int)Positions.shape[0];

    private void Validate()
    {
        if (Positions.dim() != 1 || Positions.dtype != ScalarType.Int64)
            throw new ArgumentException($"Positions must be a 1-D int64 tensor, got {Positions.dtype} [{string.Join(", ", Positions.shape)}].");
        if (!SlotMapping.shape.SequenceEqual(Positions.shape) || SlotMapping.dtype != ScalarType.Int64)
            throw new ArgumentException($"SlotMapping must be int64 [{NumTokens}] like Positions, got {SlotMapping.dtype} [{string.Join(", ", SlotMapping.shape)}].");
        if (Sequences.Count == 0) throw new ArgumentException("AttentionMetadata needs at least one sequence.");
        var covered = new bool[NumTokens];
        foreach (var s in Sequences)
        {
            if (s.NumQueryTokens < 1 || s.ContextLength < s.NumQueryTokens || s.QueryStart < 0 || s.QueryStart + s.NumQueryTokens > NumTokens)
                throw new ArgumentException($"sequence slice {s} is inconsistent with a batch of {NumTokens} tokens.");
            for (var i = s.QueryStart; i < s.QueryStart + s.NumQueryTokens; i++)
                covered[i] = !covered[i] ? true : throw new ArgumentException($"token {i} belongs to more than one sequence.");
        }
        if (Array.IndexOf(covered, false) is var gap and >= 0)
            throw new ArgumentException($"token {gap} belongs to no sequence.");
    }

    public void Dispose()
    {
        Positions.Dispose();
        SlotMapping.Dispose();
        foreach (var s in Sequences) s.BlockTable.Dispose();
    }
}
