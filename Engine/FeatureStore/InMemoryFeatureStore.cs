namespace FlorenceVL.Engine.FeatureStore;

/// <summary>
/// A process-local store with a byte budget, evicting the least recently written entries first. For a single host
/// without Redis (the training host's precompute-then-train on one machine) and for tests. Entries go through the
/// same codec as Redis, so validation behaves identically. With a <c>ttl</c>, an entry also expires that long after it
/// was (last) written, as Redis's SET with an expiry does (the server's image ids without Redis use this).
/// </summary>
public sealed class InMemoryFeatureStore(long maxBytes, TimeSpan? ttl = null, TimeProvider? timeProvider = null) : IFeatureStore
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly Dictionary<string, byte[]> _entries = [];
    private readonly Dictionary<string, DateTimeOffset> _expiries = [];
    private readonly LinkedList<string> _order = new();
    private readonly Lock _gate = new();
    private long _bytes;

    public string Tier => "memory";

    public long NumBytes { get { lock (_gate) return _bytes; } }

    public ValueTask<FeatureValue?> GetAsync(FeatureKey key, CancellationToken cancellationToken = default)
    {
        byte[]? entry;
        lock (_gate)
        {
            if (_expiries.TryGetValue(key.Name, out var expiry) && expiry <= _time.GetUtcNow()) Remove(key.Name);
            _entries.TryGetValue(key.Name, out entry);
        }
        return ValueTask.FromResult(entry is null ? null : FeatureEntryCodec.TryDecode(entry, key, out _));
    }

    public ValueTask<bool> SetAsync(FeatureKey key, FeatureValue value, CancellationToken cancellationToken = default)
    {
        var entry = FeatureEntryCodec.Encode(key, value);
        if (entry.Length > maxBytes) return ValueTask.FromResult(false);
        lock (_gate)
        {
            Remove(key.Name);
            while (_bytes + entry.Length > maxBytes) Remove(_order.First!.Value);
            _entries[key.Name] = entry;
            if (ttl is { } lifetime) _expiries[key.Name] = _time.GetUtcNow() + lifetime;
            _order.AddLast(key.Name);
            _bytes += entry.Length;
        }
        return ValueTask.FromResult(true);
    }

    /// <summary>Replaces the raw entry bytes (tests use it to plant foreign or corrupted entries).</summary>
    internal void SetRaw(FeatureKey key, byte[] entry)
    {
        lock (_gate)
        {
            Remove(key.Name);
            _entries[key.Name] = entry;
            _order.AddLast(key.Name);
            _bytes += entry.Length;
        }
    }

    private void Remove(string name)
    {
        if (!_entries.Remove(name, out var old)) return;
        _expiries.Remove(name);
        _order.Remove(name);
        _bytes -= old.Length;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
