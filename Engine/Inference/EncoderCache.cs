using System.Diagnostics.CodeAnalysis;

namespace FlorenceVL.Engine.Inference;

/// <summary>
/// In-process encoder cache after vLLM's EncoderCacheManager: entries ref-counted by sequence id, evicted lazily
/// (only when room is needed) and oldest-unheld-first. <paramref name="onEvicted"/> lets the owner release an
/// evicted value (dispose a tensor).
/// </summary>
public sealed class EncoderCache<TValue>(int capacity, Action<string, TValue>? onEvicted = null) : IEncoderCache<TValue>
{
    private sealed class Entry(int numTokens)
    {
        public int NumTokens { get; } = numTokens;
        public HashSet<long> Holders { get; } = [];
        public TValue? Value { get; set; }
        public bool HasValue { get; set; }
        public LinkedListNode<string>? EvictableNode { get; set; }
    }

    private readonly Dictionary<string, Entry> _entries = [];
    private readonly LinkedList<string> _evictable = new();
    private int _usedTokens;
    private int _evictableTokens;
    private long _hits;
    private long _misses;

    public int Capacity { get; } = capacity > 0
        ? capacity
        : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The encoder cache needs room.");

    public EncoderCacheStats Stats => new(_hits, _misses, _entries.Count, _usedTokens);

    public EncoderCacheEntry? Find(string contentHash) =>
        _entries.TryGetValue(contentHash, out var e) ? new(contentHash, e.NumTokens, e.Holders.Count, e.HasValue) : null;

    public bool CanReserve(int numTokens) => Capacity - _usedTokens + _evictableTokens >= numTokens;

    public bool TryAcquire(string contentHash, long sequenceId)
    {
        if (!_entries.TryGetValue(contentHash, out var entry))
            return false;
        Hold(entry, sequenceId);
        _hits++;
        return true;
    }

    public bool TryReserve(string contentHash, int numTokens, long sequenceId)
    {
        if (_entries.ContainsKey(contentHash))
            throw new InvalidOperationException($"Image {contentHash} is already cached; acquire it instead.");
        if (!CanReserve(numTokens))
            return false;
        while (Capacity - _usedTokens < numTokens)
            Evict(_evictable.First!.Value);
        var entry = new Entry(numTokens);
        _entries.Add(contentHash, entry);
        _usedTokens += numTokens;
        entry.Holders.Add(sequenceId);
        _misses++;
        return true;
    }

    public void Release(string contentHash, long sequenceId)
    {
        if (!_entries.TryGetValue(contentHash, out var entry) || !entry.Holders.Remove(sequenceId))
            throw new InvalidOperationException($"Sequence {sequenceId} does not hold image {contentHash}.");
        if (entry.Holders.Count > 0)
            return;
        entry.EvictableNode = _evictable.AddLast(contentHash);
        _evictableTokens += entry.NumTokens;
    }

    public void Store(string contentHash, TValue value)
    {
        if (!_entries.TryGetValue(contentHash, out var entry))
            throw new InvalidOperationException($"Image {contentHash} was not reserved in the encoder cache.");
        if (entry.HasValue && onEvicted is not null)
            onEvicted(contentHash, entry.Value!);
        entry.Value = value;
        entry.HasValue = true;
    }

    public bool TryGetValue(string contentHash, [MaybeNullWhen(false)] out TValue value)
    {
        value = default;
        if (!_entries.TryGetValue(contentHash, out var entry) || !entry.HasValue)
            return false;
        value = entry.Value!;
        return true;
    }

    private void Hold(Entry entry, long sequenceId)
    {
        if (entry.EvictableNode is { } node)
        {
            _evictable.Remove(node);
            entry.EvictableNode = null;
            _evictableTokens -= entry.NumTokens;
        }
        entry.Holders.Add(sequenceId);
    }

    private void Evict(string contentHash)
    {
        var entry = _entries[contentHash];
        _evictable.Remove(entry.EvictableNode!);
        _evictableTokens -= entry.NumTokens;
        _usedTokens -= entry.NumTokens;
        _entries.Remove(contentHash);
        if (entry.HasValue)
            onEvicted?.Invoke(contentHash, entry.Value!);
    }
}
