namespace FlorenceVL.Engine.Inference;

/// <summary>Counted per (sequence, image) lookup, as vLLM's mm_cache_queries / mm_cache_hits.</summary>
public sealed record EncoderCacheStats(long Hits, long Misses, int NumEntries, int UsedTokens)
{
    public long Queries => Hits + Misses;

    public double HitRate => Queries == 0 ? 0 : (double)Hits / Queries;
}
