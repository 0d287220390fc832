namespace FlorenceVL.Engine.FeatureStore;

/// <summary>
/// A process-local store with a byte budget, evicting the least recently written entries first. For a single host
/// without Redis (the training host's precompute-then-train on one machine) and for tests. Entries go through the
/// same codec as Redis, so validation behaves identically.
/// </summary>
public sealed class InMemoryFeatureStore(long maxBytes) : IFeatureStore
{
    private readonly Dictionary<string, byte[]> _entries = [];
    private readonly LinkedList<string> _order = new();
    private readonly Lock _gate = new();
    private long _bytes;

    public string Tier => "memory";

    public long NumBytes { get { lock (_gate) return _bytes; } }

    public ValueTask<FeatureValue?> GetAsync(FeatureKey key, CancellationToken cancellationToken = default)
    {
        byte[]? entry;
        lock (_gate) _entries.TryGetValue(key.Name, out entry);
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
        _order.Remove(name);
        _bytes -= old.Length;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
