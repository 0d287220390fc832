using FlorenceVL.Engine.Diagnostics;

namespace FlorenceVL.Engine.FeatureStore;

/// <summary>Where the breaker stands; the numeric value is what /metrics prints (0 closed, 1 half-open, 2 open).</summary>
public enum FeatureStoreBreakerState { Closed = 0, HalfOpen = 1, Open = 2 }

/// <summary>
/// Counters of the feature store tiers, updated from any thread. Prometheus names (the API prints them):
/// <list type="bullet">
/// <item><c>florencevl_feature_store_hits_total{tier="memory"|"redis"}</c> and <c>florencevl_feature_store_misses_total{tier=...}</c>
/// (<see cref="Hits"/>, <see cref="Misses"/>; counted once per distinct image of a request)</item>
/// <item><c>florencevl_feature_store_read_bytes_total</c>, <c>florencevl_feature_store_written_bytes_total</c></item>
/// <item><c>florencevl_feature_store_operation_seconds{operation="get"|"set"}</c> (histograms)</item>
/// <item><c>florencevl_feature_store_connected</c> (gauge), <c>florencevl_feature_store_breaker_state</c> (gauge), <c>florencevl_feature_store_breaker_opened_total</c></item>
/// <item><c>florencevl_feature_store_failures_total</c> (timeouts, errors, refused by the open breaker),
/// <c>florencevl_feature_store_invalid_entries_total</c>, <c>florencevl_feature_store_dropped_writes_total</c></item>
/// </list>
/// Images the vision tower actually ran on are <see cref="EngineMetrics.VisionImagesEncoded"/>
/// (<c>florencevl_vision_encoder_images_total</c>).
/// </summary>
public sealed class FeatureStoreMetrics
{
    public const string MemoryTier = "memory";
    public const string RedisTier = "redis";
    public static IReadOnlyList<string> Tiers { get; } = [MemoryTier, RedisTier];

    private long _memoryHits, _memoryMisses, _redisHits, _redisMisses;
    private long _bytesRead, _bytesWritten, _failures, _invalidEntries, _droppedWrites, _breakerOpenings;
    private int _breakerState;

    /// <summary>True when a shared store (Redis) is configured; otherwise only the memory tier counts.</summary>
    public bool SharedTierEnabled { get; internal set; }

    /// <summary>Whether the shared store is connected right now (<c>florencevl_feature_store_connected</c>).</summary>
    public bool Connected { get => Volatile.Read(ref _connected); internal set => Volatile.Write(ref _connected, value); }
    private bool _connected;

    public long Hits(string tier) => tier switch
    {
        MemoryTier => Interlocked.Read(ref _memoryHits),
        RedisTier => Interlocked.Read(ref _redisHits),
        _ => throw new ArgumentOutOfRangeException(nameof(tier), tier, "tiers are memory and redis."),
    };

    public long Misses(string tier) => tier switch
    {
        MemoryTier => Interlocked.Read(ref _memoryMisses),
        RedisTier => Interlocked.Read(ref _redisMisses),
        _ => throw new ArgumentOutOfRangeException(nameof(tier), tier, "tiers are memory and redis."),
    };

    public long BytesRead => Interlocked.Read(ref _bytesRead);
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);
    public long Failures => Interlocked.Read(ref _failures);
    public long InvalidEntries => Interlocked.Read(ref _invalidEntries);
    public long DroppedWrites => Interlocked.Read(ref _droppedWrites);
    public long BreakerOpenings => Interlocked.Read(ref _breakerOpenings);
    public FeatureStoreBreakerState BreakerState => (FeatureStoreBreakerState)Volatile.Read(ref _breakerState);

    public Histogram GetSeconds { get; } = new(Histogram.LatencyBuckets);
    public Histogram SetSeconds { get; } = new(Histogram.LatencyBuckets);

    internal void CountMemory(bool hit) => Interlocked.Increment(ref hit ? ref _memoryHits : ref _memoryMisses);
    internal void CountRedis(bool hit) => Interlocked.Increment(ref hit ? ref _redisHits : ref _redisMisses);
    internal void AddBytesRead(long n) => Interlocked.Add(ref _bytesRead, n);
    internal void AddBytesWritten(long n) => Interlocked.Add(ref _bytesWritten, n);
    internal void CountFailure() => Interlocked.Increment(ref _failures);
    internal void CountInvalidEntry() => Interlocked.Increment(ref _invalidEntries);
    internal void CountDroppedWrite() => Interlocked.Increment(ref _droppedWrites);

    internal void SetBreakerState(FeatureStoreBreakerState state)
    {
        if (state == FeatureStoreBreakerState.Open && Interlocked.Exchange(ref _breakerState, (int)state) != (int)state)
            Interlocked.Increment(ref _breakerOpenings);
        else
            Volatile.Write(ref _breakerState, (int)state);
    }
}
