namespace FlorenceVL.Engine.Inference;

/// <summary>A snapshot for metrics (vLLM's num_requests_waiting/running, kv_cache_usage, cache hit rates).</summary>
public sealed record SchedulerStats(
    int NumWaiting,
    int NumRunning,
    int NumUsedBlocks,
    int NumFreeBlocks,
    long NumPreemptions,
    PrefixCacheStats PrefixCache,
    EncoderCacheStats EncoderCache)
{
    public double KvCacheUsage => (double)NumUsedBlocks / (NumUsedBlocks + NumFreeBlocks);
}
