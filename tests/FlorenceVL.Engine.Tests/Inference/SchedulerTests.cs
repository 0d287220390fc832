using FlorenceVL.Engine.Inference;

namespace FlorenceVL.Engine.Tests.Inference;

public class SchedulerTests
{
    [Fact]
    public void Prefill_is_chunked_when_the_prompt_exceeds_the_token_budget()
    {
        var engine = new EngineHarness(EngineHarness.NewConfig(maxNumBatchedTokens: 16));
        var sequence = engine.Add(EngineHarness.NewSequence(1, promptLength: 40));

        var chunks = Enumerable.Range(0, 3).Select(_ => engine.Step()).ToList();

        var scheduled = engine.Batches.Select(b => Assert.Single(b.Sequences)).ToList();
        Assert.Equal([0, 16, 32], scheduled.Select(s => s.StartPosition));
        Assert.Equal([16, 16, 8], scheduled.Select(s => s.NumScheduledTokens));
        Assert.Equal([false, false, true], scheduled.Select(s => s.NeedsLogits));
        Assert.Empty(chunks[0]);
        Assert.Single(chunks[2]);
        Assert.Equal(41, sequence.NumTokens);
        Assert.Equal(40, sequence.NumComputedTokens);
    }

    [Fact]
    public void Decodes_and_a_prefill_chunk_share_one_token_budget()
    {
        var engine = new EngineHarness(EngineHarness.NewConfig(maxNumBatchedTokens: 20));
        engine.Add(EngineHarness.NewSequence(1, promptLength: 6, maxTokens: 50));
        engine.Add(EngineHarness.NewSequence(2, promptLength: 6, maxTokens: 50));
        engine.Step();
        engine.Add(EngineHarness.NewSequence(3, promptLength: 60));

        engine.Step();

        var batch = engine.Batches[^1];
        Assert.Equal([1, 1, 18], batch.Sequences.Select(s => s.NumScheduledTokens));
        Assert.Equal(20, batch.NumScheduledTokens);
        Assert.Equal([true, true, false], batch.Sequences.Select(s => s.NeedsLogits));
    }

    [Fact]
    public void Long_prefill_threshold_caps_one_sequence_per_step()
    {
        var config = EngineHarness.NewConfig(maxNumBatchedTokens: 64) with { LongPrefillTokenThreshold = 10 };
        var engine = new EngineHarness(config);
        engine.Add(EngineHarness.NewSequence(1, promptLength: 30));
        engine.Add(EngineHarness.NewSequence(2, promptLength: 30, firstToken: 900));

        engine.Step();

        Assert.Equal([10, 10], engine.Batches[0].Sequences.Select(s => s.NumScheduledTokens));
    }

    [Fact]
    public void Max_num_seqs_bounds_the_running_batch()
    {
        var engine = new EngineHarness(EngineHarness.NewConfig(maxNumSeqs: 3, maxNumBatchedTokens: 200));
        for (var id = 1; id <= 5; id++)
            engine.Add(EngineHarness.NewSequence(id, promptLength: 5, maxTokens: 4, firstToken: 100 * id));

        engine.Step();

        Assert.Equal(3, engine.Scheduler.NumRunning);
        Assert.Equal(2, engine.Scheduler.NumWaiting);
        engine.RunUntilIdle();
        Assert.All(engine.Batches, b => Assert.True(b.Sequences.Count <= 3));
        Assert.All(engine.Sequences.Values, s => Assert.Equal(4, s.NumCompletionTokens));
    }

    [Fact]
    public void Submissions_beyond_the_waiting_bound_fail_fast_as_overloaded()
    {
        var engine = new EngineHarness(EngineHarness.NewConfig(maxWaiting: 2));
        engine.Add(EngineHarness.NewSequence(1, 5));
        engine.Add(EngineHarness.NewSequence(2, 5));

        var error = Assert.Throws<EngineOverloadedException>(() => engine.Scheduler.Add(EngineHarness.NewSequence(3, 5)));

        Assert.Equal(2, error.MaxWaiting);
        Assert.Equal(2, engine.Scheduler.NumWaiting);
        engine.Step();
        engine.Scheduler.Add(EngineHarness.NewSequence(3, 5));
    }

    [Fact]
    public void Impossible_request_is_rejected_before_it_is_queued()
    {
        var engine = new EngineHarness(EngineHarness.NewConfig(maxModelLen: 32));

        var error = Assert.Throws<InvalidRequestException>(() => engine.Add(EngineHarness.NewSequence(1, 30, maxTokens: 5)));

        Assert.Equal(RequestErrorKind.ContextLengthExceeded, error.Kind);
        Assert.False(engine.Scheduler.HasUnfinished);
    }

    [Fact]
    public void Image_larger_than_the_encoder_cache_is_rejected()
    {
        var engine = new EngineHarness(EngineHarness.NewConfig(encoderCacheBudget: 8));
        var sequence = EngineHarness.NewSequence(1, 20, images: [new SequenceImage("big", 2, 9)]);

        var error = Assert.Throws<InvalidRequestException>(() => engine.Add(sequence));

        Assert.Equal(RequestErrorKind.ImageTooLarge, error.Kind);
    }

    [Fact]
    public void Max_tokens_finishes_a_sequence_with_length_and_frees_its_blocks()
    {
        var engine = new EngineHarness(EngineHarness.NewConfig());
        var sequence = engine.Add(EngineHarness.NewSequence(1, 5, maxTokens: 3));

        var outputs = Enumerable.Range(0, 3).SelectMany(_ => engine.Step()).ToList();

        Assert.Equal([null, null, FinishReason.Length], outputs.Select(o => o.FinishReason));
        Assert.Equal(outputs.Select(o => o.TokenId), sequence.CompletionTokenIds);
        Assert.Equal(SequenceStatus.Finished, sequence.Status);
        Assert.Equal(engine.Config.NumBlocks, engine.Scheduler.BlockManager.NumFreeBlocks);
        Assert.True(engine.Step().Count == 0 && engine.Batches[^1].IsEmpty);
    }

    [Fact]
    public void Stop_token_and_eos_finish_with_stop_unless_eos_is_ignored()
    {
        var firstToken = FakeModelRunner.NextToken(Enumerable.Range(100, 5).Select(t => (long)t));
        var config = EngineHarness.NewConfig() with { EosTokenIds = [firstToken] };
        var engine = new EngineHarness(config);
        var eos = engine.Add(EngineHarness.NewSequence(1, 5));
        var ignoring = engine.Add(EngineHarness.NewSequence(2, 5,
            sampling: new SamplingParams { Temperature = 0, MaxTokens = 2, IgnoreEos = true }));
        var stopId = engine.Add(EngineHarness.NewSequence(3, 5,
            sampling: new SamplingParams { Temperature = 0, MaxTokens = 9, IgnoreEos = true, StopTokenIds = [firstToken] }));

        engine.RunUntilIdle();

        Assert.Equal((FinishReason.Stop, 1), (eos.FinishReason!.Value, eos.NumCompletionTokens));
        Assert.Equal((FinishReason.Length, 2), (ignoring.FinishReason!.Value, ignoring.NumCompletionTokens));
        Assert.Equal((FinishReason.Stop, 1), (stopId.FinishReason!.Value, stopId.NumCompletionTokens));
    }

    [Fact]
    public void Context_length_ends_a_sequence_without_max_tokens()
    {
        var engine = new EngineHarness(EngineHarness.NewConfig(maxModelLen: 12));
        var sequence = engine.Add(EngineHarness.NewSequence(1, 5, maxTokens: null));

        engine.RunUntilIdle();

        Assert.Equal(12, sequence.NumTokens);
        Assert.Equal(FinishReason.Length, sequence.FinishReason);
    }

    [Fact]
    public void Abort_frees_running_and_waiting_sequences_at_once()
    {
        var engine = new EngineHarness(EngineHarness.NewConfig(maxNumSeqs: 1));
        var running = engine.Add(EngineHarness.NewSequence(1, 9, maxTokens: 50));
        var waiting = engine.Add(EngineHarness.NewSequence(2, 9, maxTokens: 50));
        engine.Step();
        Assert.True(engine.Scheduler.BlockManager.NumUsedBlocks > 0);

        Assert.True(engine.Scheduler.Abort(running.Id));
        Assert.True(engine.Scheduler.Abort(waiting.Id));

        Assert.False(engine.Scheduler.Abort(running.Id));
        Assert.Equal(FinishReason.Abort, running.FinishReason);
        Assert.Equal(FinishReason.Abort, waiting.FinishReason);
        Assert.Equal(0, engine.Scheduler.BlockManager.NumUsedBlocks);
        Assert.False(engine.Scheduler.HasUnfinished);
    }

    [Fact]
    public void Finishing_from_above_the_engine_drops_the_step_result_in_flight()
    {
        var engine = new EngineHarness(EngineHarness.NewConfig());
        var sequence = engine.Add(EngineHarness.NewSequence(1, 5, maxTokens: 50));
        engine.Step();
        var batch = engine.Scheduler.Schedule();

        engine.Scheduler.Finish(sequence.Id, FinishReason.Stop);
        var outputs = engine.Scheduler.Update(batch, engine.Runner.Run(batch));

        Assert.Empty(outputs);
        Assert.Equal(1, sequence.NumCompletionTokens);
        Assert.Equal(FinishReason.Stop, sequence.FinishReason);
    }

    [Fact]
    public void Prefix_cache_hits_count_as_computed_and_are_reported_as_cached_tokens()
    {
        var engine = new EngineHarness(EngineHarness.NewConfig());
        var first = engine.Add(EngineHarness.NewSequence(1, 14, maxTokens: 2));
        engine.RunUntilIdle();
        var second = engine.Add(EngineHarness.NewSequence(2, 14, maxTokens: 2));

        engine.Step();

        var scheduled = Assert.Single(engine.Batches[^1].Sequences);
        Assert.Equal((12, 2), (scheduled.StartPosition, scheduled.NumScheduledTokens));
        Assert.Equal(12, second.NumCachedTokens);
        Assert.Equal(0, first.NumCachedTokens);
        var stats = engine.Scheduler.Stats.PrefixCache;
        Assert.Equal((28, 12), (stats.QueriedTokens, stats.HitTokens));
        engine.RunUntilIdle();
        Assert.Equal(first.CompletionTokenIds, second.CompletionTokenIds);
    }

    [Fact]
    public void Stats_report_queue_running_and_blocks()
    {
        var engine = new EngineHarness(EngineHarness.NewConfig(maxNumSeqs: 1, blockSize: 4, numBlocks: 40));
        engine.Add(EngineHarness.NewSequence(1, 9));
        engine.Add(EngineHarness.NewSequence(2, 9));

        engine.Step();

        var stats = engine.Scheduler.Stats;
        Assert.Equal((1, 1, 3, 37), (stats.NumWaiting, stats.NumRunning, stats.NumUsedBlocks, stats.NumFreeBlocks));
        Assert.Equal(3 / 40.0, stats.KvCacheUsage);
    }
}
