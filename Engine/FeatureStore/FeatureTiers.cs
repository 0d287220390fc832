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
    private readonly IFeatureStore? _localImages;

    /// <param name="localDType">Precision of uploaded images' features when there is no shared store: the model's own,
    /// so an image by id answers exactly as the same image inline (which is then projected unrounded).</param>
    public FeatureTiers(IFeatureStore? store, TowerFingerprint tower, FeatureStoreOptions options, FeatureStoreMetrics metrics,
        ScalarType localDType = ScalarType.Float32)
    {
        _store = store;
        _metrics = metrics;
        Tower = tower;
        StoredDType = options.StoredDType;
        ImageTtl = options.Ttl;
        if (store is not null) _writes = new FeatureWriteQueue(store, options.WriteQueueCapacity, metrics);
        else _localImages = new InMemoryFeatureStore(options.LocalImageStoreBytes, options.Ttl);
        ImageDType = store is null ? localDType : options.StoredDType;
    }

    /// <summary>How long an uploaded image's features live after their last write (the store's TTL).</summary>
    public TimeSpan ImageTtl { get; }

    /// <summary>Precision of uploaded images' features: the shared store's, else the model's.</summary>
    public ScalarType ImageDType { get; }

    /// <summary>Where uploaded images live: the shared store (every replica sees them), else this process's own.</summary>
    private IFeatureStore ImageStore => _store ?? _localImages!;

    private FeatureKey ImageKeyFor(string imageHash) => _store is null ? new FeatureKey(imageHash, default, ImageDType) : KeyFor(imageHash);

    /// <summary>An uploaded (or, with a shared store, any stored) image's features; null when unknown, expired or unreadable.</summary>
    public async Task<FeatureValue?> ReadImageAsync(string imageHash, CancellationToken cancellationToken)
    {
        try { return await ImageStore.GetAsync(ImageKeyFor(imageHash), cancellationToken); }
        catch (Exception) when (!cancellationToken.IsCancellationRequested) { return null; }
    }

    /// <summary>Writes an uploaded image's features now (not through the write queue); false when the store refused.</summary>
    public async Task<bool> WriteImageAsync(string imageHash, FeatureValue value, CancellationToken cancellationToken)
    {
        try { return await ImageStore.SetAsync(ImageKeyFor(imageHash), value, cancellationToken); }
        catch (Exception) when (!cancellationToken.IsCancellationRequested) { return false; }
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
        if (_localImages is not null) await _localImages.DisposeAsync();
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
