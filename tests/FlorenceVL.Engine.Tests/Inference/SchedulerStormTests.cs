using FlorenceVL.Engine.Inference;

namespace FlorenceVL.Engine.Tests.Inference;

public class SchedulerStormTests
{
    private static readonly (string Hash, int Length)[] ImagePool = [("i0", 4), ("i1", 8), ("i2", 12), ("i3", 6)];

    private static readonly SchedulerConfig StormConfig = EngineHarness.NewConfig(maxNumSeqs: 6,
        maxNumBatchedTokens: 24, blockSize: 4, numBlocks: 40, maxModelLen: 64, maxWaiting: 10,
        encoderCacheBudget: 24) with { LongPrefillTokenThreshold = 16, EosTokenIds = [.. Enumerable.Range(10, 40)] };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Random_adds_aborts_and_completions_leave_every_block_free_and_no_sequence(int seed)
    {
        var random = new Random(seed);
        var engine = new EngineHarness(StormConfig);
        var overloaded = 0;
        var finishedFromOutside = new HashSet<long>();
        long nextId = 0;
        for (var step = 0; step < 3000; step++)
        {
            if (random.NextDouble() < 0.45)
                overloaded += TryAdd(engine, RandomSequence(random, nextId++)) ? 0 : 1;
            if (random.NextDouble() < 0.08)
                FinishRandom(engine, random, finishedFromOutside);
            engine.Step();
            AssertStepInvariants(engine);
        }
        engine.RunUntilIdle();

        Assert.False(engine.Scheduler.HasUnfinished);
        Assert.Equal(StormConfig.NumBlocks, engine.Scheduler.BlockManager.NumFreeBlocks);
        Assert.Equal(0, engine.Scheduler.NumSequencesHoldingImages);
        Assert.True(engine.EncoderCache.CanReserve(StormConfig.EncoderCacheBudget));
        AssertEveryPathWasExercised(engine, overloaded);
        AssertSampleMatchesRunningAlone(engine, finishedFromOutside);
    }

    /// <summary>Preemptions, chunking and cache hits must not change what a sequence generates.</summary>
    private static void AssertSampleMatchesRunningAlone(EngineHarness engine, HashSet<long> finishedFromOutside)
    {
        var roomy = StormConfig with { NumBlocks = 64, MaxNumBatchedTokens = 64, EncoderCacheBudget = 64 };
        var sample = engine.Sequences.Values.Where(s => !finishedFromOutside.Contains(s.Id)).Take(60).ToList();
        Assert.True(sample.Count >= 30);
        foreach (var sequence in sample)
            Assert.Equal(EngineHarness.GenerateAlone(sequence, roomy), sequence.CompletionTokenIds);
    }

    private static bool TryAdd(EngineHarness engine, Sequence sequence)
    {
        try
        {
            engine.Add(sequence);
            return true;
        }
        catch (EngineOverloadedException)
        {
            return false;
        }
    }

    /// <summary>Prompts drawn from a few shared prefixes so the prefix cache is hit, some with a pooled image.</summary>
    private static Sequence RandomSequence(Random random, long id)
    {
        var length = random.Next(4, 40);
        var prefix = random.Next(3) * 1000;
        var tokens = Enumerable.Range(0, length).Select(i => i < length / 2 ? prefix + i + 100 : random.Next(100, 5000)).ToList();
        List<SequenceImage> images = [];
        var (hash, imageLength) = ImagePool[random.Next(ImagePool.Length)];
        if (random.NextDouble() < 0.5 && imageLength < length)
            images.Add(new SequenceImage(hash, random.Next(0, length - imageLength), imageLength));
        var sampling = new SamplingParams { Temperature = 0, MaxTokens = random.Next(1, 64 - length) };
        return new Sequence(id, tokens, sampling, images);
    }

    private static void FinishRandom(EngineHarness engine, Random random, HashSet<long> finishedFromOutside)
    {
        var live = engine.Sequences.Values.Where(s => !s.IsFinished).ToList();
        if (live.Count == 0)
            return;
        var victim = live[random.Next(live.Count)];
        finishedFromOutside.Add(victim.Id);
        Assert.True(random.Next(2) == 0
            ? engine.Scheduler.Abort(victim.Id)
            : engine.Scheduler.Finish(victim.Id, FinishReason.Stop));
    }

    private static void AssertStepInvariants(EngineHarness engine)
    {
        var batch = engine.Batches[^1];
        Assert.True(batch.NumScheduledTokens <= StormConfig.MaxNumBatchedTokens);
        Assert.True(engine.Scheduler.NumRunning <= StormConfig.MaxNumSeqs);
        Assert.All(batch.Sequences, s => Assert.InRange(s.NumScheduledTokens, 1, StormConfig.LongPrefillTokenThreshold!.Value));
        Assert.Equal(batch.EncoderInputs.Count, batch.EncoderInputs.Select(e => e.ContentHash).Distinct().Count());
        engine.AssertBlockAccounting();
    }

    private static void AssertEveryPathWasExercised(EngineHarness engine, int overloaded)
    {
        var stats = engine.Scheduler.Stats;
        var reasons = engine.Sequences.Values.Select(s => s.FinishReason).Distinct().ToList();
        Assert.True(stats.NumPreemptions > 0, "no preemption");
        Assert.True(stats.PrefixCache.HitTokens > 0, "no prefix-cache hit");
        Assert.True(stats.EncoderCache.Hits > 0 && stats.EncoderCache.Misses > 0, "encoder cache not exercised");
        Assert.True(overloaded > 0, "the waiting bound was never reached");
        Assert.Equal(3, reasons.Count);
        Assert.DoesNotContain(null, reasons);
    }
}
