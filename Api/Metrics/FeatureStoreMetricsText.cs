using FlorenceVL.Engine.Diagnostics;
using FlorenceVL.Engine.FeatureStore;

namespace FlorenceVL.Api.Metrics;

/// <summary>The DBFusion feature store's tiers (memory, redis), traffic, latency and circuit breaker, for /metrics.</summary>
internal static class FeatureStoreMetricsText
{
    public static void Write(PrometheusText text, FeatureStoreMetrics metrics)
    {
        text.LabelledCounter("florencevl_feature_store_hits_total", "Images whose features were found, by tier.", "tier",
                FeatureStoreMetrics.Tiers.Select(t => KeyValuePair.Create(t, metrics.Hits(t))))
            .LabelledCounter("florencevl_feature_store_misses_total", "Images whose features were not found, by tier.", "tier",
                FeatureStoreMetrics.Tiers.Select(t => KeyValuePair.Create(t, metrics.Misses(t))))
            .Gauge("florencevl_feature_store_redis_enabled", "1 when a shared Redis tier is configured.", metrics.SharedTierEnabled ? 1 : 0)
            .Gauge("florencevl_feature_store_connected", "1 while the Redis connection is up.", metrics.Connected ? 1 : 0)
            .Gauge("florencevl_feature_store_breaker_state", "Circuit breaker: 0 closed, 1 half-open, 2 open.", (int)metrics.BreakerState)
            .Counter("florencevl_feature_store_breaker_opened_total", "Times the breaker opened.", metrics.BreakerOpenings)
            .Counter("florencevl_feature_store_read_bytes_total", "Bytes read from Redis.", metrics.BytesRead)
            .Counter("florencevl_feature_store_written_bytes_total", "Bytes written to Redis.", metrics.BytesWritten)
            .Counter("florencevl_feature_store_failures_total", "Redis operations that failed or timed out.", metrics.Failures)
            .Counter("florencevl_feature_store_invalid_entries_total", "Entries that failed validation (treated as misses).", metrics.InvalidEntries)
            .Counter("florencevl_feature_store_dropped_writes_total", "Computed entries not written because the write queue was full.", metrics.DroppedWrites)
            .Histogram("florencevl_feature_store_get_seconds", "Redis read latency.", metrics.GetSeconds)
            .Histogram("florencevl_feature_store_set_seconds", "Redis write latency.", metrics.SetSeconds);
    }
}
