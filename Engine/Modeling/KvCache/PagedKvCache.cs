using FlorenceVL.Engine.Configuration;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.KvCache;

/// <summary>
/// The paged key/value store: per layer, K and V of shape [numKvHeads, numBlocks, blockSize, headDim], allocated once
/// (one zeroed allocation, so masked padding never meets uninitialised NaNs) on the model's device and dtype. Which
/// blocks belong to which sequence is the caller's business (block tables in <see cref="AttentionMetadata"/>).
/// Heads lead so that gathering blocks yields each head's context as one contiguous [tokens, headDim] matrix: the
/// decode attention multiplies the gathered blocks in place instead of copying them into a head-major layout.
/// </summary>
public sealed class PagedKvCache : IDisposable
{
    private readonly Tensor _storage; // [layers, 2, kvHeads, numBlocks, blockSize, headDim]

    public PagedKvCache(TextConfig config, ModelPlacement placement, int numBlocks, int blockSize)
    {
        if (numBlocks < 1 || blockSize < 1)
            throw new ArgumentOutOfRangeException(nameof(numBlocks), $"a cache needs at least one block of at least one slot (got {numBlocks} x {blockSize}).");
        NumLayers = config.NumHiddenLayers;
        NumBlocks = numBlocks;
        BlockSize = blockSize;
        NumKvHeads = config.NumKeyValueHeads;
        HeadDim = config.HeadDim;
        DType = placement.DType;
        _storage = zeros([NumLayers, 2, NumKvHeads, numBlocks, blockSize, HeadDim], placement.DType, placement.Device);
    }

    /// <summary>As many blocks as fit in <paramref name="bytes"/>.</summary>
    public static PagedKvCache FromByteBudget(TextConfig config, ModelPlacement placement, long bytes, int blockSize)
    {
        var perBlock = BytesPerBlock(config, placement.DType, blockSize);
        var numBlocks = bytes / perBlock;
        if (numBlocks < 1)
            throw new ArgumentOutOfRangeException(nameof(bytes), $"{bytes} bytes hold no cache block ({perBlock} bytes each).");
        return new PagedKvCache(config, placement, checked((int)numBlocks), blockSize);
    }

    /// <summary>K and V of every layer for one block.</summary>
    public static long BytesPerBlock(TextConfig config, ScalarType dtype, int blockSize) =>
        2L * config.NumHiddenLayers * blockSize * config.NumKeyValueHeads * config.HeadDim * ElementSize(dtype);

    public int NumLayers { get; }
    public int NumBlocks { get; }
    public int BlockSize { get; }
    public int NumKvHeads { get; }
    public int HeadDim { get; }
    public ScalarType DType { get; }
    public int NumSlots => NumBlocks * BlockSize;

    /// <summary>[kvHeads, numBlocks, blockSize, headDim], a view into the shared storage.</summary>
    public Tensor Keys(int layer) => _storage[layer, 0];

    public Tensor Values(int layer) => _storage[layer, 1];

    /// <summary>
    /// Address of one layer's K (or V) storage, [kvHeads, numBlocks, blockSize, headDim] contiguous, for the CPU kernels.
    /// Computed from the storage's own address, so a step's kernels create no view tensors to find it.
    /// </summary>
    internal unsafe nint LayerData(int layer, bool values)
    {
        if ((uint)layer >= (uint)NumLayers) throw new ArgumentOutOfRangeException(nameof(layer));
        _storageData = _storageData != 0 ? _storageData : (nint)Runtime.TensorMemory.Address(_storage);
        return _storageData + (nint)((layer * 2L + (values ? 1 : 0)) * NumKvHeads * NumSlots * HeadDim * ElementSize(DType));
    }

    private nint _storageData;

    /// <summary>Stores new tokens' K and V ([numTokens, kvHeads, headDim]) at their slots.</summary>
    public void Write(int layer, Tensor keys, Tensor values, Tensor slotMapping)
    {
        using var scope = NewDisposeScope();
        Keys(layer).view(NumKvHeads, NumSlots, HeadDim).index_copy_(1, slotMapping, keys.transpose(0, 1));
        Values(layer).view(NumKvHeads, NumSlots, HeadDim).index_copy_(1, slotMapping, values.transpose(0, 1));
    }

    /// <summary>One sequence's first <paramref name="contextLength"/> tokens of K and V, each [contextLength, kvHeads, headDim] (a transposed view).</summary>
    public (Tensor Keys, Tensor Values) Gather(int layer, Tensor blockTable, int contextLength)
    {
        using var scope = NewDisposeScope();
        var numBlocks = (contextLength + BlockSize - 1) / BlockSize;
        if (blockTable.shape[0] < numBlocks)
            throw new ArgumentException($"a context of {contextLength} tokens needs {numBlocks} blocks but the block table has {blockTable.shape[0]}.");
        var ids = blockTable.narrow(0, 0, numBlocks);
        var keys = GatherBlocks(Keys(layer), ids).narrow(1, 0, contextLength).transpose(0, 1);
        var values = GatherBlocks(Values(layer), ids).narrow(1, 0, contextLength).transpose(0, 1);
        return (keys.MoveToOuterDisposeScope(), values.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The blocks <paramref name="blockIds"/> of every head, in order: [kvHeads, blockIds.Length * blockSize, headDim]. With
    /// the block tables of several sequences padded to one length and concatenated, head h's rows for sequence b are
    /// the b-th run of that length.
    /// </summary>
    public Tensor GatherBlocks(Tensor layerKeysOrValues, Tensor blockIds) =>
        layerKeysOrValues.index_select(1, blockIds).view(NumKvHeads, -1, HeadDim);

    private static long ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => 4,
        ScalarType.BFloat16 or ScalarType.Float16 => 2,
        ScalarType.Float64 => 8,
        _ => throw new ArgumentException($"unsupported KV cache dtype {dtype}."),
    };

    public void Dispose() => _storage.Dispose();
}
