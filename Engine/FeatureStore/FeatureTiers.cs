using System.Collections.Concurrent;
using FlorenceVL.Engine.Processing.Images;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.FeatureStore;

/// <summary>
/// The engine's view of the tiers, used off the engine thread: memory (images resident in the encoder cache, mirrored
/// here because the cache itself belongs to the engine thread), then the shared store, then compute. Concurrent
/// requests for one image share a single store read.
/// </summary>
internal sealed class FeatureTiers : IAsyncDisposable
{
    private readonly IFeatureStore? _store;
    private readonly FeatureWriteQueue? _writes;
    private readonly FeatureStoreMetrics _metrics;
    private readonly ConcurrentDictionary<string, byte> _resident = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<FeatureValue?>> _reads = new(StringComparer.Ordinal);

    public FeatureTiers(IFeatureStore? store, TowerFingerprint tower, FeatureStoreOptions options, FeatureStoreMetrics metrics)
    {
        _store = store;
        _metrics = metrics;
        Tower = tower;
        StoredDType = options.StoredDType;
        if (store is not null) _writes = new FeatureWriteQueue(store, options.WriteQueueCapacity, metrics);
    }

    public TowerFingerprint Tower { get; }
    public ScalarType StoredDType { get; }
    public bool HasSharedStore => _store is not null;
    public FeatureWriteQueue? Writes => _writes;

    public FeatureKey KeyFor(string imageHash) => new(imageHash, Tower, StoredDType);

    /// <summary>Engine thread: the image's embeddings are now in the encoder cache.</summary>
    public void MarkResident(string imageHash) => _resident.TryAdd(imageHash, 0);

    /// <summary>Engine thread: the encoder cache evicted the image.</summary>
    public void MarkEvicted(string imageHash) => _resident.TryRemove(imageHash, out _);

    /// <summary>
    /// Features for the request's images that are not resident in memory but are in the shared store, by content hash.
    /// Never throws for store trouble (the store reports misses); only the caller's cancellation ends it early.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, FeatureValue>> LookupAsync(IReadOnlyList<PreprocessedImage> images, CancellationToken cancellationToken)
    {
        var notResident = new List<string>();
        foreach (var hash in images.Select(i => i.ContentHash).Distinct(StringComparer.Ordinal))
        {
            var hit = _resident.ContainsKey(hash);
            _metrics.CountMemory(hit);
            if (!hit) notResident.Add(hash);
        }
        if (_store is null || notResident.Count == 0) return new Dictionary<string, FeatureValue>();
        var values = await Task.WhenAll(notResident.Select(ReadOnce)).WaitAsync(cancellationToken);
        var found = new Dictionary<string, FeatureValue>(StringComparer.Ordinal);
        for (var i = 0; i < notResident.Count; i++)
        {
            _metrics.CountRedis(values[i] is not null);
            if (values[i] is { } value) found[notResident[i]] = value;
        }
        return found;
    }

    /// <summary>Engine thread: offers freshly computed features [tokens, fusedDim] for writing; never blocks.</summary>
    public void Save(string imageHash, Tensor fused)
    {
        if (_writes is null) return;
        _writes.TryEnqueue(KeyFor(imageHash), FeatureValue.FromTensor(fused, StoredDType));
    }

    public async ValueTask DisposeAsync()
    {
        if (_writes is not null) await _writes.DisposeAsync();
        if (_store is not null) await _store.DisposeAsync();
    }

    /// <summary>Single flight: one store read per image at a time, whoever asks.</summary>
    private Task<FeatureValue?> ReadOnce(string hash)
    {
        var mine = new TaskCompletionSource<FeatureValue?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var shared = _reads.GetOrAdd(hash, mine.Task);
        if (shared == mine.Task) _ = ReadAsync(hash, mine);
        return shared;
    }

    private async Task ReadAsync(string hash, TaskCompletionSource<FeatureValue?> result)
    {
        try { result.SetResult(await _store!.GetAsync(KeyFor(hash))); }
        catch (Exception) { result.SetResult(null); } // the store's contract is to not throw; a miss is the safe answer anyway
        finally { _reads.TryRemove(new KeyValuePair<string, Task<FeatureValue?>>(hash, result.Task)); }
    }
}
