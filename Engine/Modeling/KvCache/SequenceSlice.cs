using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.KvCache;

/// <summary>
/// One sequence's part of a forward step: its new tokens are rows [QueryStart, QueryStart + NumQueryTokens) of the flat
/// batch, and after this step its cache holds ContextLength tokens (the new ones included) in the blocks of BlockTable
/// (int64 block ids, in order, on the model's device; at least ceil(ContextLength / blockSize) of them).
/// </summary>
/// <param name="RopeLength">The length that picks LongRoPE's factor set; defaults to ContextLength. The engine passes
/// max(ContextLength, prompt length) so a prompt prefilled in chunks rotates exactly as one prefilled at once.</param>
public sealed record SequenceSlice(int QueryStart, int NumQueryTokens, int ContextLength, Tensor BlockTable, int? RopeLength = null)
{
    public int FactorLength => Math.Max(ContextLength, RopeLength ?? 0);

    /// <summary>Tokens already in the cache before this step.</summary>
    public int CachedLength => ContextLength - NumQueryTokens;

    /// <summary>A decode step: one new token attending to everything before it; these are batched together.</summary>
    public bool IsDecode => NumQueryTokens == 1;

    /// <summary>A prefill that starts from an empty cache: it can attend to its own fresh keys causally.</summary>
    public bool IsFreshPrefill => NumQueryTokens > 1 && CachedLength == 0;
}
