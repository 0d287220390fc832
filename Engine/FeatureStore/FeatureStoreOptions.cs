using static TorchSharp.torch;

namespace FlorenceVL.Engine.FeatureStore;

/// <summary>
/// Settings of the shared DBFusion feature store (configuration section <see cref="Section"/>, environment
/// <c>FeatureStore__Redis</c> etc.). Without <see cref="Redis"/> the engine keeps only its in-process encoder cache.
/// </summary>
public sealed record FeatureStoreOptions
{
    public const string Section = "FeatureStore";

    /// <summary>A StackExchange.Redis connection string ("redis:6379,password=..."); null or empty disables the shared tier.</summary>
    public string? Redis { get; init; }

    /// <summary>Namespace of this deployment's keys, so several deployments can share one Redis.</summary>
    public string KeyPrefix { get; init; } = "florencevl:fused";

    /// <summary>How long an entry lives after it was written. Redis's own maxmemory policy bounds the total.</summary>
    public TimeSpan Ttl { get; init; } = TimeSpan.FromDays(7);

    /// <summary>Entries larger than this (header included) are never written nor read.</summary>
    public long MaxValueBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>Longest a single read or write may take before it counts as a failure and the request computes instead.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Share of failed operations within <see cref="BreakerSamplingDuration"/> that opens the breaker.</summary>
    public double BreakerFailureRatio { get; init; } = 0.5;

    /// <summary>Operations needed in a sampling window before the breaker may open.</summary>
    public int BreakerMinimumThroughput { get; init; } = 4;

    public TimeSpan BreakerSamplingDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the breaker stays open (Redis untouched) before one probe operation is let through.</summary>
    public TimeSpan BreakerBreakDuration { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Precision of stored features; the engine projects features at this precision whether computed or read,
    /// so a replica that reads an entry answers exactly as the one that computed it.</summary>
    public ScalarType StoredDType { get; init; } = ScalarType.BFloat16;

    /// <summary>Computed entries waiting to be written; when full, new ones are dropped (never waited for).</summary>
    public int WriteQueueCapacity { get; init; } = 8;

    /// <summary>Without Redis, the byte budget of the process-local store that holds uploaded images' features
    /// (POST /v1/images), least recently written evicted first; entries also expire after <see cref="Ttl"/>.</summary>
    public long LocalImageStoreBytes { get; init; } = 256L * 1024 * 1024;

    public bool IsRedisConfigured => !string.IsNullOrWhiteSpace(Redis);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        if (Ttl <= TimeSpan.Zero) throw new ArgumentException($"FeatureStore:Ttl must be positive (got {Ttl}).");
        if (MaxValueBytes <= FeatureEntryCodec.MaxHeaderBytes)
            throw new ArgumentException($"FeatureStore:MaxValueBytes must exceed the {FeatureEntryCodec.MaxHeaderBytes}-byte header (got {MaxValueBytes}).");
        if (OperationTimeout < TimeSpan.FromMilliseconds(1) || OperationTimeout > TimeSpan.FromDays(1))
            throw new ArgumentException($"FeatureStore:OperationTimeout must be between 1 ms and 1 day (got {OperationTimeout}).");
        if (BreakerFailureRatio is <= 0 or > 1) throw new ArgumentException($"FeatureStore:BreakerFailureRatio must be in (0, 1] (got {BreakerFailureRatio}).");
        if (BreakerMinimumThroughput < 2) throw new ArgumentException($"FeatureStore:BreakerMinimumThroughput must be at least 2 (got {BreakerMinimumThroughput}).");
        if (BreakerSamplingDuration < TimeSpan.FromMilliseconds(500))
            throw new ArgumentException($"FeatureStore:BreakerSamplingDuration must be at least 500 ms (got {BreakerSamplingDuration}).");
        if (BreakerBreakDuration < TimeSpan.FromMilliseconds(500))
            throw new ArgumentException($"FeatureStore:BreakerBreakDuration must be at least 500 ms (got {BreakerBreakDuration}).");
        if (StoredDType is not (ScalarType.BFloat16 or ScalarType.Float16 or ScalarType.Float32))
            throw new ArgumentException($"FeatureStore:StoredDType must be BFloat16, Float16 or Float32 (got {StoredDType}).");
        if (LocalImageStoreBytes <= FeatureEntryCodec.MaxHeaderBytes)
            throw new ArgumentException($"FeatureStore:LocalImageStoreBytes must exceed the {FeatureEntryCodec.MaxHeaderBytes}-byte header (got {LocalImageStoreBytes}).");
        if (WriteQueueCapacity < 1) throw new ArgumentException($"FeatureStore:WriteQueueCapacity must be at least 1 (got {WriteQueueCapacity}).");
    }
}
