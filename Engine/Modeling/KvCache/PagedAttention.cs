using FlorenceVL.Engine.Runtime;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.KvCache;

/// <summary>
/// The one seam between the decoder and the paged cache: store this step's K/V, then attend each new token to its
/// sequence's context. Everything above (projections, rope) is plain module code; a fused paged-attention kernel
/// replaces this class and <see cref="PagedAttentionPlan"/> without touching the modules.
/// Shapes: q [numTokens, heads, headDim], k and v [numTokens, kvHeads, headDim]; returns [numTokens, heads, headDim].
/// Scale 1/sqrt(headDim), as Phi-3 and Llama use.
/// </summary>
public static class PagedAttention
{
    public static Tensor Forward(int layer, Tensor q, Tensor k, Tensor v, PagedAttentionPlan plan, PagedKvCache cache)
    {
        using var scope = NewDisposeScope();
        cache.Write(layer, k, v, plan.SlotMapping);
        if (plan.Prefills.Count == 0 && plan.Decodes is { TokenRows: null } allDecodes)
            return AttendDecodes(layer, q, allDecodes, cache).MoveToOuterDisposeScope();
        var output = empty_like(q);
        foreach (var chunk in plan.Prefills)
        {
            var s = chunk.Sequence;
            output.narrow(0, s.QueryStart, s.NumQueryTokens).copy_(AttendPrefill(layer, q, k, v, chunk, cache));
        }
        if (plan.Decodes is { } decodes)
            output.index_copy_(0, decodes.TokenRows!, AttendDecodes(layer, q.index_select(0, decodes.TokenRows!), decodes, cache));
        return output.MoveToOuterDisposeScope();
    }

    private static Tensor AttendPrefill(int layer, Tensor q, Tensor k, Tensor v, PrefillChunk chunk, PagedKvCache cache)
    {
        var s = chunk.Sequence;
        var (keys, values) = chunk.Mask is null
            ? (k.narrow(0, s.QueryStart, s.NumQueryTokens), v.narrow(0, s.QueryStart, s.NumQueryTokens))
            : cache.Gather(layer, s.BlockTable, s.ContextLength);
        var groups = q.shape[1] / keys.shape[1];
        var queries = q.narrow(0, s.QueryStart, s.NumQueryTokens).transpose(0, 1);   // [heads, n, d]
        var attended = nn.functional.scaled_dot_product_attention(
            queries, RepeatKv(keys, groups).transpose(0, 1), RepeatKv(values, groups).transpose(0, 1),
            attn_mask: chunk.Mask, is_casual: chunk.Mask is null);
        return attended.transpose(0, 1);                                                 // [n, heads, d]
    }

    /// <summary>One-token queries of several sequences: read straight from the cache on an AVX-512 CPU, else with libtorch ops.</summary>
    private static Tensor AttendDecodes(int layer, Tensor q, DecodeBatch batch, PagedKvCache cache) =>
        CpuDecodeAttention.Supports(q, cache) && batch.HostBlockIds is not null
            ? CpuDecodeAttention.Attend(layer, q, batch, cache)
            : AttendDecodesWithTorch(layer, q, batch, cache);

    /// <summary>
    /// One-token queries of several sequences in one padded attention, as batched matmuls over (KV head, sequence) pairs:
    /// the cache is head-major, so the gathered blocks are already [kvHeads * numDecodes, paddedContext, headDim] and
    /// are multiplied without a copy. For GQA the query heads sharing a KV head become that pair's query rows, so
    /// cached K/V are read once and never repeated per query head.
    /// Written as two matmuls around a float32 softmax (HF's eager attention) rather than SDPA: libtorch's CPU SDPA in
    /// bfloat16 took ~10x longer than this for decode shapes (batch 32, context 176: 4.6-12 ms against 0.4-0.6 ms per layer).
    /// </summary>
    internal static Tensor AttendDecodesWithTorch(int layer, Tensor q, DecodeBatch batch, PagedKvCache cache)
    {
        var (numTokens, heads, headDim) = (q.shape[0], q.shape[1], q.shape[2]);
        var kvHeads = (long)cache.NumKvHeads;
        var groups = heads / kvHeads;
        var pairs = kvHeads * numTokens;
        var queries = q.reshape(numTokens, kvHeads, groups, headDim).transpose(0, 1).reshape(pairs, groups, headDim);
        var keys = cache.GatherBlocks(cache.Keys(layer), batch.BlockIds).view(pairs, batch.PaddedContext, headDim);
        var values = cache.GatherBlocks(cache.Values(layer), batch.BlockIds).view(pairs, batch.PaddedContext, headDim);
        var scores = queries.bmm(keys.transpose(1, 2)).Times(1.0 / Math.Sqrt(headDim))
            .view(kvHeads, numTokens, groups, batch.PaddedContext);
        var weights = scores.Filled(batch.Padding, float.NegativeInfinity).softmax(-1, ScalarType.Float32);
        var attended = weights.to_type(q.dtype).view(pairs, groups, batch.PaddedContext).bmm(values);   // [pairs, groups, d]
        return attended.view(kvHeads, numTokens, groups, headDim).transpose(0, 1).reshape(numTokens, heads, headDim);
    }

    /// <summary>[n, kvHeads, d] -> [n, kvHeads * groups, d], each KV head serving its consecutive query heads.</summary>
    private static Tensor RepeatKv(Tensor x, long groups) =>
        groups == 1 ? x : x.unsqueeze(2).expand(x.shape[0], x.shape[1], groups, x.shape[2]).reshape(x.shape[0], -1, x.shape[2]);
}
