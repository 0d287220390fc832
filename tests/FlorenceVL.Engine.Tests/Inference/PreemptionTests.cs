using FlorenceVL.Engine.Inference;

namespace FlorenceVL.Engine.Tests.Inference;

public class PreemptionTests
{
    private static readonly SchedulerConfig TwoSequencesOfBlocks =
        EngineHarness.NewConfig(blockSize: 4, numBlocks: 8, maxModelLen: 32);

    private static readonly SchedulerConfig Roomy = EngineHarness.NewConfig(numBlocks: 256, maxModelLen: 64);

    [Fact]
    public void Running_out_of_blocks_preempts_the_newest_running_sequence_to_the_front_of_waiting()
    {
        var engine = new EngineHarness(TwoSequencesOfBlocks);
        var older = engine.Add(EngineHarness.NewSequence(1, 14, maxTokens: 16));
        var newer = engine.Add(EngineHarness.NewSequence(2, 14, maxTokens: 16, firstToken: 700));
        for (var step = 0; step < 3; step++)
            engine.Step();
        Assert.Equal(0, engine.Scheduler.BlockManager.NumFreeBlocks);
        var tokensBefore = newer.TokenIds.ToList();

        engine.Step();

        var batch = engine.Batches[^1];
        Assert.Equal([2L], batch.PreemptedSequenceIds);
        Assert.Equal([1L], batch.Sequences.Select(s => s.SequenceId));
        Assert.Equal(SequenceStatus.Preempted, newer.Status);
        Assert.Equal(0, newer.NumComputedTokens);
        Assert.Empty(newer.BlockTable);
        Assert.Equal(tokensBefore, newer.TokenIds);
        Assert.Equal(5, older.NumBlocks);
        Assert.Equal((1, 1, 1L), (engine.Scheduler.NumWaiting, engine.Scheduler.NumRunning, engine.Scheduler.Stats.NumPreemptions));
    }

    [Fact]
    public void Preempted_sequence_resumes_and_produces_the_same_tokens_as_alone()
    {
        var engine = new EngineHarness(TwoSequencesOfBlocks);
        var sequences = new[]
        {
            engine.Add(EngineHarness.NewSequence(1, 14, maxTokens: 16)),
            engine.Add(EngineHarness.NewSequence(2, 14, maxTokens: 16, firstToken: 700)),
        };

        engine.RunUntilIdle();

        Assert.True(engine.Scheduler.Stats.NumPreemptions > 0);
        foreach (var sequence in sequences)
        {
            Assert.Equal(16, sequence.NumCompletionTokens);
            Assert.Equal(EngineHarness.GenerateAlone(sequence, Roomy), sequence.CompletionTokenIds);
        }
    }

    [Fact]
    public void Sixteen_requests_batched_with_small_chunks_preemption_and_cache_hits_equal_each_alone()
    {
        var tight = EngineHarness.NewConfig(maxNumSeqs: 16, maxNumBatchedTokens: 8, blockSize: 4, numBlocks: 24,
            maxModelLen: 64, encoderCacheBudget: 20);
        var engine = new EngineHarness(tight);
        var sequences = Enumerable.Range(0, 16).Select(i => engine.Add(Request(i))).ToList();

        engine.RunUntilIdle();

        var stats = engine.Scheduler.Stats;
        Assert.True(stats.NumPreemptions > 0, "no preemption happened");
        Assert.True(stats.PrefixCache.HitTokens > 0, "no prefix-cache hit happened");
        Assert.True(stats.EncoderCache.Hits > 0, "no encoder-cache hit happened");
        Assert.Contains(engine.Batches, b => b.Sequences.Any(s => !s.NeedsLogits));
        foreach (var sequence in sequences)
            Assert.Equal(EngineHarness.GenerateAlone(sequence, Roomy), sequence.CompletionTokenIds);
        Assert.Equal(tight.NumBlocks, engine.Scheduler.BlockManager.NumFreeBlocks);
    }

    /// <summary>Different lengths; every third shows one of two images; requests 8-15 repeat 0-7's prompts.</summary>
    private static Sequence Request(int i)
    {
        var variant = i % 8;
        var length = 10 + variant * 4;
        var images = variant % 3 == 0 ? [new SequenceImage(variant % 2 == 0 ? "cat" : "dog", 2, variant % 2 == 0 ? 6 : 8)]
            : Array.Empty<SequenceImage>();
        return EngineHarness.NewSequence(i, length, maxTokens: 4 + variant * 2, firstToken: 100 + variant * 50, images: images);
    }
}
