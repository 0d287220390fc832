namespace FlorenceVL.Engine.Inference;

/// <summary>Prefix-cache lookups in tokens, as vLLM's prefix_cache_queries / prefix_cache_hits.</summary>
public sealed record PrefixCacheStats(long QueriedTokens, long HitTokens)
{
    public double HitRate => QueriedTokens == 0 ? 0 : (double)HitTokens / QueriedTokens;

    internal PrefixCacheStats Add(long queried, long hits) => new(QueriedTokens + queried, HitTokens + hits);
}
