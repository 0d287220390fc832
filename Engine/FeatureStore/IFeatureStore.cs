namespace FlorenceVL.Engine.FeatureStore;

/// <summary>
/// A shared store of DBFusion features. Implementations never throw for an unavailable, slow or full backend: a read
/// that cannot be served is a miss (null) and a write that cannot be made returns false, so callers simply compute.
/// </summary>
public interface IFeatureStore : IAsyncDisposable
{
    /// <summary>The tier name used in metrics ("redis", "memory").</summary>
    string Tier { get; }

    /// <summary>The features stored under <paramref name="key"/>, or null on a miss, an invalid entry or a failure.</summary>
    ValueTask<FeatureValue?> GetAsync(FeatureKey key, CancellationToken cancellationToken = default);

    /// <summary>Stores (or overwrites) the features under <paramref name="key"/>; false when the store refused or failed.</summary>
    ValueTask<bool> SetAsync(FeatureKey key, FeatureValue value, CancellationToken cancellationToken = default);
}
