using TorchSharp;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.KvCache;

/// <summary>
/// What every layer's attention reuses within one forward step, built once from the metadata: the decodes gathered
/// into one padded batch and each prefill chunk's mask. Its tensors belong to the forward's dispose scope.
/// </summary>
public sealed record PagedAttentionPlan(
    Tensor SlotMapping,
    IReadOnlyList<PrefillChunk> Prefills,
    DecodeBatch? Decodes,
    int NumTokens)
{
    /// <summary>The slot mapping on the host, for CPU kernels that write K/V themselves; null on other devices.</summary>
    public long[]? HostSlotMapping { get; private init; }

    public static PagedAttentionPlan Build(AttentionMetadata metadata, int blockSize)
    {
        var device = metadata.Positions.device;
        var prefills = metadata.Sequences.Where(s => !s.IsDecode).Select(s => PrefillChunk.Build(s, blockSize, device)).ToList();
        var decodes = metadata.Sequences.Where(s => s.IsDecode).ToList();
        return new PagedAttentionPlan(metadata.SlotMapping, prefills,
            decodes.Count == 0 ? null : DecodeBatch.Build(decodes, metadata.NumTokens, blockSize, device), metadata.NumTokens)
        {
            HostSlotMapping = device.type == DeviceType.CPU ? metadata.SlotMapping.data<long>().ToArray() : null,
        };
    }
}

/// <summary>
/// One prefill chunk. A fresh prefill attends causally to its own new keys (Mask null); a later chunk attends to the
/// gathered context with query i seeing context positions up to CachedLength + i (Mask [queries, context], true = see).
/// </summary>
public sealed record PrefillChunk(SequenceSlice Sequence, Tensor? Mask)
{
    public static PrefillChunk Build(SequenceSlice sequence, int blockSize, Device device)
    {
        if (sequence.BlockTable.shape[0] * blockSize < sequence.ContextLength)
            throw new ArgumentException($"sequence at token {sequence.QueryStart}: {sequence.ContextLength} tokens do not fit its {sequence.BlockTable.shape[0]} blocks of {blockSize}.");
        if (sequence.IsFreshPrefill) return new PrefillChunk(sequence, null);
        var queryPositions = arange(sequence.CachedLength, sequence.ContextLength, ScalarType.Int64, device).unsqueeze(1);
        var keyPositions = arange(sequence.ContextLength, ScalarType.Int64, device).unsqueeze(0);
        return new PrefillChunk(sequence, keyPositions <= queryPositions);
    }
}

/// <summary>
/// All one-token decodes of a step, padded to the longest block table so that one SDPA call serves them all.
/// TokenRows: their rows in the flat batch (null when the whole batch is decodes in order). BlockIds:
/// [numDecodes * maxBlocks] padded with block 0. Padding: [1, numDecodes, 1, maxBlocks * blockSize], true at and beyond each
/// sequence's context length (the positions attention must not see), shaped for scores [kvHeads, numDecodes, groups, context].
/// On the CPU the same block ids and lengths are kept on the host too (HostBlockIds [numDecodes * MaxBlocks]), for
/// <see cref="CpuDecodeAttention"/>; elsewhere HostBlockIds is null so planning never syncs with the device.
/// </summary>
public sealed record DecodeBatch(int Count, Tensor? TokenRows, Tensor BlockIds, int PaddedContext, Tensor Padding)
{
    public int MaxBlocks { get; private init; }
    public int[] ContextLengths { get; private init; } = [];
    public int[]? HostBlockIds { get; private init; }

    public static DecodeBatch Build(IReadOnlyList<SequenceSlice> decodes, int numTokens, int blockSize, Device device)
    {
        var maxBlocks = decodes.Max(s => (s.ContextLength + blockSize - 1) / blockSize);
        var padded = decodes.Select(s => PadBlocks(s, maxBlocks, blockSize)).ToArray();
        var blockIds = cat(padded, 0);
        var lengths = tensor(decodes.Select(s => (long)s.ContextLength).ToArray()).to(device);
        var padding = (arange(maxBlocks * blockSize, ScalarType.Int64, device).unsqueeze(0) >= lengths.unsqueeze(1)).view(1, decodes.Count, 1, -1);
        var inOrder = decodes.Count == numTokens && decodes.Select((s, i) => s.QueryStart == i).All(x => x);
        var rows = inOrder ? null : tensor(decodes.Select(s => (long)s.QueryStart).ToArray()).to(device);
        return new DecodeBatch(decodes.Count, rows, blockIds, maxBlocks * blockSize, padding)
        {
            MaxBlocks = maxBlocks,
            ContextLengths = decodes.Select(s => s.ContextLength).ToArray(),
            HostBlockIds = device.type == DeviceType.CPU ? blockIds.data<long>().Select(id => checked((int)id)).ToArray() : null,
        };
    }

    private static Tensor PadBlocks(SequenceSlice sequence, int maxBlocks, int blockSize)
    {
        var needed = (sequence.ContextLength + blockSize - 1) / blockSize;
        if (sequence.BlockTable.shape[0] < needed)
            throw new ArgumentException($"sequence at token {sequence.QueryStart}: {sequence.ContextLength} tokens need {needed} blocks, its table has {sequence.BlockTable.shape[0]}.");
        var used = sequence.BlockTable.narrow(0, 0, needed);
        return needed == maxBlocks ? used : cat([used, zeros(maxBlocks - needed, ScalarType.Int64, used.device)], 0);
    }
}
