namespace FlorenceVL.Engine.Inference;

/// <summary>
/// Paged KV bookkeeping: a fixed pool of blocks of <see cref="BlockSize"/> tokens, reference counts, and
/// automatic prefix caching of full blocks. Unreferenced blocks wait in one free queue that doubles as the LRU:
/// blocks are taken from its head, and a cached block keeps its hash (and stays reusable) until it is taken.
/// </summary>
public sealed class BlockManager
{
    private readonly KvBlock[] _blocks;
    private readonly LinkedList<KvBlock> _free = new();
    private readonly Dictionary<UInt128, KvBlock> _cached = [];

    public BlockManager(int numBlocks, int blockSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numBlocks, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        BlockSize = blockSize;
        _blocks = new KvBlock[numBlocks];
        for (var id = 0; id < numBlocks; id++)
        {
            _blocks[id] = new KvBlock(id);
            _blocks[id].FreeNode = _free.AddLast(_blocks[id]);
        }
    }

    public int BlockSize { get; }

    public int NumBlocks => _blocks.Length;

    /// <summary>Blocks no sequence references (some still hold reusable prefix-cache content).</summary>
    public int NumFreeBlocks => _free.Count;

    public int NumUsedBlocks => NumBlocks - NumFreeBlocks;

    public int NumCachedBlocks => _cached.Count;

    /// <summary>Tokens looked up in the prefix cache at admission, and how many of them were found.</summary>
    public PrefixCacheStats PrefixCacheStats { get; private set; } = new(0, 0);

    public int BlocksFor(int numTokens) => (numTokens + BlockSize - 1) / BlockSize;

    /// <summary>The longest run of leading full blocks already cached. It never covers the last token: at least
    /// one token must be computed to produce logits.</summary>
    public PrefixHit FindCachedPrefix(Sequence sequence)
    {
        EnsureHashes(sequence);
        var maxBlocks = (sequence.NumTokens - 1) / BlockSize;
        var ids = new List<int>();
        while (ids.Count < maxBlocks && _cached.TryGetValue(sequence.BlockHashes[ids.Count], out var block))
            ids.Add(block.Id);
        return ids.Count == 0 ? PrefixHit.None : new PrefixHit(ids, ids.Count * BlockSize);
    }

    public bool CanAllocate(PrefixHit hit, int numNewTokens)
    {
        var fresh = BlocksFor(hit.NumTokens + numNewTokens) - hit.BlockIds.Count;
        var revived = hit.BlockIds.Count(id => _blocks[id].RefCount == 0);
        return fresh + revived <= _free.Count;
    }

    /// <summary>Gives a sequence without blocks the cached prefix plus room for <paramref name="numNewTokens"/>
    /// more tokens; null when the pool is too small right now.</summary>
    public BlockAllocation? Allocate(Sequence sequence, PrefixHit hit, int numNewTokens)
    {
        if (sequence.NumBlocks != 0)
            throw new InvalidOperationException($"Sequence {sequence.Id} already holds {sequence.NumBlocks} blocks.");
        if (!CanAllocate(hit, numNewTokens))
            return null;
        foreach (var id in hit.BlockIds)
            Claim(sequence, _blocks[id]);
        sequence.NumHashedBlocks = hit.BlockIds.Count;
        TakeFresh(sequence, BlocksFor(hit.NumTokens + numNewTokens) - hit.BlockIds.Count);
        PrefixCacheStats = PrefixCacheStats.Add(sequence.NumTokens, hit.NumTokens);
        return new BlockAllocation([.. sequence.BlockIds], hit.NumTokens);
    }

    /// <summary>Whether positions up to NumComputedTokens + <paramref name="numNewTokens"/> fit, counting new blocks.</summary>
    public bool CanAppend(Sequence sequence, int numNewTokens) => BlocksToAppend(sequence, numNewTokens) <= _free.Count;

    /// <summary>Adds the blocks the next <paramref name="numNewTokens"/> need (none while the last block has room);
    /// returns the new block ids, or null when the pool is too small.</summary>
    public IReadOnlyList<int>? Append(Sequence sequence, int numNewTokens) =>
        CanAppend(sequence, numNewTokens) ? TakeFresh(sequence, BlocksToAppend(sequence, numNewTokens)) : null;

    /// <summary>Publishes the hashes of blocks that became full and computed, so later requests can reuse them.
    /// Done after the step, never at allocation: a block is only reusable once its K/V are written.</summary>
    public void MarkComputed(Sequence sequence)
    {
        EnsureHashes(sequence);
        var computedFull = Math.Min(sequence.NumComputedTokens / BlockSize, sequence.NumBlocks);
        for (var i = sequence.NumHashedBlocks; i < computedFull; i++)
        {
            var block = _blocks[sequence.BlockIds[i]];
            // A duplicate of a block already cached stays anonymous; freeing it then returns it first.
            if (block.Hash is null && _cached.TryAdd(sequence.BlockHashes[i], block))
                block.Hash = sequence.BlockHashes[i];
        }
        sequence.NumHashedBlocks = Math.Max(sequence.NumHashedBlocks, computedFull);
    }

    /// <summary>Drops the sequence's references. Blocks freed last-to-first, so a prompt's tail is evicted before
    /// its head (the head is the likelier shared prefix); blocks without a hash are reused first.</summary>
    public void Free(Sequence sequence)
    {
        for (var i = sequence.BlockIds.Count - 1; i >= 0; i--)
        {
            var block = _blocks[sequence.BlockIds[i]];
            if (--block.RefCount > 0)
                continue;
            block.FreeNode = block.Hash is null ? _free.AddFirst(block) : _free.AddLast(block);
        }
        sequence.BlockIds.Clear();
        sequence.NumHashedBlocks = 0;
    }

    internal int RefCount(int blockId) => _blocks[blockId].RefCount;

    internal bool IsCached(int blockId) => _blocks[blockId].Hash is not null;

    private int BlocksToAppend(Sequence sequence, int numNewTokens) =>
        Math.Max(0, BlocksFor(sequence.NumComputedTokens + numNewTokens) - sequence.NumBlocks);

    private void EnsureHashes(Sequence sequence)
    {
        var hashes = sequence.BlockHashes;
        for (var i = hashes.Count; i < sequence.NumTokens / BlockSize; i++)
            hashes.Add(BlockHasher.Hash(i == 0 ? BlockHasher.Root(sequence.CacheSalt) : hashes[i - 1], sequence, i * BlockSize, BlockSize));
    }

    private void Claim(Sequence sequence, KvBlock block)
    {
        if (block.FreeNode is { } node)
        {
            _free.Remove(node);
            block.FreeNode = null;
        }
        block.RefCount++;
        sequence.BlockIds.Add(block.Id);
    }

    private List<int> TakeFresh(Sequence sequence, int count)
    {
        var taken = new List<int>(count);
        for (var i = 0; i < count; i++)
        {
            var block = _free.First!.Value;
            if (block.Hash is { } evicted)
                _cached.Remove(evicted);
            block.Hash = null;
            Claim(sequence, block);
            taken.Add(block.Id);
        }
        return taken;
    }
}
