namespace FlorenceVL.Engine.Inference;

/// <summary>
/// Scheduler limits. One token budget per step (<see cref="MaxNumBatchedTokens"/>) is shared by decodes and
/// prefill chunks; <see cref="EncoderCacheBudget"/> bounds resident image embeddings in visual tokens.
/// </summary>
/// <param name="MaxNumSeqs">Most sequences running at once.</param>
/// <param name="MaxNumBatchedTokens">Token budget of one step.</param>
/// <param name="BlockSize">Tokens per KV block.</param>
/// <param name="NumBlocks">KV blocks in the pool (sized from a memory budget by the caller).</param>
/// <param name="MaxModelLen">Context length: prompt plus generated tokens.</param>
/// <param name="MaxWaiting">Bound of the waiting queue; submissions beyond it are refused.</param>
/// <param name="EncoderCacheBudget">Encoder cache room in visual tokens; also the largest image accepted.</param>
public sealed record SchedulerConfig(
    int MaxNumSeqs,
    int MaxNumBatchedTokens,
    int BlockSize,
    int NumBlocks,
    int MaxModelLen,
    int MaxWaiting,
    int EncoderCacheBudget)
{
    /// <summary>Most tokens one sequence gets in a step (vLLM's long_prefill_token_threshold), so one long prompt
    /// cannot take the whole budget; null lets a prompt use all of it.</summary>
    public int? LongPrefillTokenThreshold { get; init; }

    /// <summary>The model's end-of-sequence ids; they stop a sequence unless it sets ignore_eos.</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxNumSeqs, 1, nameof(MaxNumSeqs));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxNumBatchedTokens, 1, nameof(MaxNumBatchedTokens));
        ArgumentOutOfRangeException.ThrowIfLessThan(BlockSize, 1, nameof(BlockSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(NumBlocks, 1, nameof(NumBlocks));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxModelLen, 2, nameof(MaxModelLen));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxWaiting, 1, nameof(MaxWaiting));
        ArgumentOutOfRangeException.ThrowIfLessThan(EncoderCacheBudget, 1, nameof(EncoderCacheBudget));
        if (LongPrefillTokenThreshold is < 1)
            throw new ArgumentOutOfRangeException(nameof(LongPrefillTokenThreshold), LongPrefillTokenThreshold, "Must be at least 1.");
        // One sequence at full context must fit the pool, or preempting everything else could not save it.
        if ((long)NumBlocks * BlockSize < MaxModelLen)
            throw new ArgumentException(
                $"{NumBlocks} blocks of {BlockSize} tokens cannot hold one {MaxModelLen}-token sequence.");
    }
}
