namespace FlorenceVL.Engine.Inference;

/// <summary>
/// Continuous batching with vLLM v1's rule: no prefill or decode phase, each sequence gets
/// NumTokens - NumComputedTokens tokens capped by one shared budget. Running sequences go first (a decode is a
/// one-token chunk); on KV shortage the newest running sequence is preempted and recomputed later; then waiting
/// sequences are admitted, their prefix-cache hits counting as computed. Single-threaded: the engine loop owns it.
/// </summary>
public sealed class Scheduler
{
    private readonly SchedulerConfig _config;
    private readonly EncoderScheduler _encoder;
    private readonly LinkedList<Sequence> _waiting = new();
    private readonly List<Sequence> _running = [];
    private readonly Dictionary<long, Sequence> _live = [];
    private readonly List<long> _finishedSinceSchedule = [];
    private long _numPreemptions;

    public Scheduler(SchedulerConfig config, IEncoderCache encoderCache)
    {
        config.Validate();
        if (encoderCache.Capacity != config.EncoderCacheBudget)
            throw new ArgumentException(
                $"The encoder cache holds {encoderCache.Capacity} tokens but the config budgets {config.EncoderCacheBudget}.");
        _config = config;
        EncoderCache = encoderCache;
        _encoder = new EncoderScheduler(encoderCache);
        BlockManager = new BlockManager(config.NumBlocks, config.BlockSize);
    }

    public SchedulerConfig Config => _config;

    public BlockManager BlockManager { get; }

    public IEncoderCache EncoderCache { get; }

    public int NumWaiting => _waiting.Count;

    public int NumRunning => _running.Count;

    public bool HasUnfinished => _live.Count > 0;

    /// <summary>Sequences ended since the last <see cref="Schedule"/>, which the next batch reports to the runner.</summary>
    public bool HasFinishedToReport => _finishedSinceSchedule.Count > 0;

    public SchedulerStats Stats => new(_waiting.Count, _running.Count, BlockManager.NumUsedBlocks,
        BlockManager.NumFreeBlocks, _numPreemptions, BlockManager.PrefixCacheStats, EncoderCache.Stats);

    /// <summary>Queues a new sequence. Throws <see cref="InvalidRequestException"/> for an impossible request and
    /// <see cref="EngineOverloadedException"/> when the waiting queue is full.</summary>
    public void Add(Sequence sequence)
    {
        if (sequence.Status != SequenceStatus.Waiting || sequence.NumComputedTokens != 0)
            throw new ArgumentException($"Sequence {sequence.Id} has already been scheduled.", nameof(sequence));
        // The rest of SamplingParams was validated when the request arrived; the context length is the scheduler's.
        sequence.SamplingParams.ValidateLength(sequence.NumPromptTokens, _config.MaxModelLen);
        if (sequence.Images.FirstOrDefault(image => image.Length > EncoderCache.Capacity) is { } tooLarge)
            throw new InvalidRequestException(RequestField.Images, RequestErrorKind.ImageTooLarge,
                $"An image needs {tooLarge.Length} visual tokens, more than the encoder cache holds ({EncoderCache.Capacity}).");
        if (_waiting.Count >= _config.MaxWaiting)
            throw new EngineOverloadedException(_config.MaxWaiting);
        if (!_live.TryAdd(sequence.Id, sequence))
            throw new ArgumentException($"Sequence id {sequence.Id} is already in use.", nameof(sequence));
        _waiting.AddLast(sequence);
    }

    public ScheduledBatch Schedule()
    {
        var batch = new ScheduledBatchBuilder(_config.MaxNumBatchedTokens);
        batch.Finished.AddRange(_finishedSinceSchedule);
        _finishedSinceSchedule.Clear();
        ScheduleRunning(batch);
        // As in vLLM: a step that had to preempt is short of blocks, so it admits nobody new.
        if (batch.Preempted.Count == 0)
            ScheduleWaiting(batch);
        return batch.Build();
    }

    /// <summary>Applies a step: advances computed tokens, appends the sampled tokens (one per sequence whose chunk
    /// needed logits), finishes sequences on stop tokens or length, and frees their blocks.</summary>
    public IReadOnlyList<SequenceOutput> Update(ScheduledBatch batch, ModelRunnerOutput output)
    {
        var sampledTokens = output.Sampled;
        var outputs = new List<SequenceOutput>();
        foreach (var scheduled in batch.Sequences)
        {
            // Finished or aborted between Schedule and Update: its result is dropped.
            if (!_live.TryGetValue(scheduled.SequenceId, out var sequence) || sequence.Status != SequenceStatus.Running)
                continue;
            sequence.NumComputedTokens = scheduled.EndPosition;
            BlockManager.MarkComputed(sequence);
            _encoder.ReleaseComputed(sequence);
            if (!scheduled.NeedsLogits)
                continue;
            if (!sampledTokens.TryGetValue(sequence.Id, out var token))
                throw new ArgumentException($"No token was sampled for sequence {sequence.Id}.", nameof(output));
            sequence.AppendToken(token.TokenId);
            var reason = StopCondition.Check(sequence, _config);
            if (reason is { } finished)
                Release(sequence, finished);
            outputs.Add(new SequenceOutput(sequence.Id, token, reason));
        }
        return outputs;
    }

    /// <summary>Ends a sequence now (a stop string matched above the engine) and frees its blocks.</summary>
    public bool Finish(long sequenceId, FinishReason reason)
    {
        if (!_live.TryGetValue(sequenceId, out var sequence))
            return false;
        Release(sequence, reason);
        return true;
    }

    /// <summary>Cancels a sequence (client gone) and frees its blocks at once.</summary>
    public bool Abort(long sequenceId) => Finish(sequenceId, FinishReason.Abort);

    private void ScheduleRunning(ScheduledBatchBuilder batch)
    {
        for (var i = 0; i < _running.Count && batch.Budget > 0; i++)
        {
            var sequence = _running[i];
            var plan = PlanChunk(sequence, sequence.NumComputedTokens, batch.Budget);
            if (plan.NumTokens == 0)
                continue;
            if (!MakeRoom(sequence, plan.NumTokens, batch))
                break;
            BlockManager.Append(sequence, plan.NumTokens);
            Commit(sequence, plan, batch);
        }
    }

    private void ScheduleWaiting(ScheduledBatchBuilder batch)
    {
        while (_waiting.First?.Value is { } sequence && batch.Budget > 0 && _running.Count < _config.MaxNumSeqs)
        {
            var hit = BlockManager.FindCachedPrefix(sequence);
            var plan = PlanChunk(sequence, hit.NumTokens, batch.Budget);
            if (plan.NumTokens == 0)
                break;
            if (BlockManager.Allocate(sequence, hit, plan.NumTokens) is not { } allocation)
                break;
            if (sequence.Status == SequenceStatus.Waiting)
            {
                sequence.NumCachedTokens = allocation.NumCachedTokens;
                batch.New.Add(new NewSequence(sequence.Id, sequence.TokenIds.Take(sequence.NumPromptTokens).ToArray(),
                    sequence.SamplingParams, sequence.Inputs));
            }
            sequence.NumComputedTokens = allocation.NumCachedTokens;
            sequence.Status = SequenceStatus.Running;
            _waiting.RemoveFirst();
            _running.Add(sequence);
            Commit(sequence, plan, batch);
        }
    }

    private EncoderPlan PlanChunk(Sequence sequence, int start, int budget)
    {
        var numTokens = Math.Min(sequence.NumTokens - start, budget);
        numTokens = Math.Min(numTokens, _config.LongPrefillTokenThreshold ?? numTokens);
        return _encoder.Plan(sequence, start, numTokens);
    }

    private void Commit(Sequence sequence, EncoderPlan plan, ScheduledBatchBuilder batch)
    {
        _encoder.Commit(sequence, plan, batch.EncoderInputs);
        batch.Add(sequence, plan.NumTokens);
    }

    /// <summary>Preempts from the tail of running until <paramref name="sequence"/> has its blocks; false when it
    /// had to preempt itself.</summary>
    private bool MakeRoom(Sequence sequence, int numTokens, ScheduledBatchBuilder batch)
    {
        while (!BlockManager.CanAppend(sequence, numTokens))
        {
            var victim = _running[^1];
            Preempt(victim, batch);
            if (victim == sequence)
                return false;
        }
        return true;
    }

    /// <summary>Preemption by recompute: the KV is dropped but the tokens (generated ones included) are kept, so
    /// the sequence re-prefills them and continues exactly where it was.</summary>
    private void Preempt(Sequence sequence, ScheduledBatchBuilder batch)
    {
        _running.Remove(sequence);
        BlockManager.Free(sequence);
        _encoder.ReleaseAll(sequence);
        sequence.NumComputedTokens = 0;
        sequence.Status = SequenceStatus.Preempted;
        _waiting.AddFirst(sequence);
        batch.Preempted.Add(sequence.Id);
        _numPreemptions++;
    }

    private void Release(Sequence sequence, FinishReason reason)
    {
        if (!_running.Remove(sequence))
            _waiting.Remove(sequence);
        BlockManager.Free(sequence);
        _encoder.ReleaseAll(sequence);
        sequence.Status = SequenceStatus.Finished;
        sequence.FinishReason = reason;
        _live.Remove(sequence.Id);
        _finishedSinceSchedule.Add(sequence.Id);
    }

    internal int NumSequencesHoldingImages => _encoder.NumHolding;
}
