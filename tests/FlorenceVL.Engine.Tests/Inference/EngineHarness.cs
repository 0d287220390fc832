using FlorenceVL.Engine.Inference;

namespace FlorenceVL.Engine.Tests.Inference;

/// <summary>Scheduler + encoder cache + fake runner, stepped like EngineCore.Step().</summary>
internal sealed class EngineHarness
{
    public EngineHarness(SchedulerConfig config)
    {
        Config = config;
        EncoderCache = new EncoderCache<string>(config.EncoderCacheBudget);
        Scheduler = new Scheduler(config, EncoderCache);
        Runner = new FakeModelRunner(config, EncoderCache);
    }

    public SchedulerConfig Config { get; }

    public EncoderCache<string> EncoderCache { get; }

    public Scheduler Scheduler { get; }

    public FakeModelRunner Runner { get; }

    public Dictionary<long, Sequence> Sequences { get; } = [];

    public List<ScheduledBatch> Batches { get; } = [];

    public static SchedulerConfig NewConfig(int maxNumSeqs = 8, int maxNumBatchedTokens = 64, int blockSize = 4,
        int numBlocks = 64, int maxModelLen = 128, int maxWaiting = 64, int encoderCacheBudget = 64) =>
        new(maxNumSeqs, maxNumBatchedTokens, blockSize, numBlocks, maxModelLen, maxWaiting, encoderCacheBudget);

    public static Sequence NewSequence(long id, int promptLength, int? maxTokens = 8, int firstToken = 100,
        IReadOnlyList<SequenceImage>? images = null, SamplingParams? sampling = null) =>
        new(id, [.. Enumerable.Range(firstToken, promptLength)],
            sampling ?? new SamplingParams { Temperature = 0, MaxTokens = maxTokens }, images);

    public Sequence Add(Sequence sequence)
    {
        Scheduler.Add(sequence);
        Sequences[sequence.Id] = sequence;
        return sequence;
    }

    public IReadOnlyList<SequenceOutput> Step()
    {
        var batch = Scheduler.Schedule();
        Batches.Add(batch);
        return batch.IsEmpty ? [] : Scheduler.Update(batch, Runner.Run(batch));
    }

    public void RunUntilIdle(int maxSteps = 10_000)
    {
        for (var step = 0; Scheduler.HasUnfinished; step++)
        {
            Assert.True(step < maxSteps, "The scheduler made no progress.");
            Step();
        }
    }

    /// <summary>Every block's ref count equals the number of live block tables naming it.</summary>
    public void AssertBlockAccounting()
    {
        var blocks = Scheduler.BlockManager;
        var references = new int[blocks.NumBlocks];
        foreach (var sequence in Sequences.Values.Where(s => !s.IsFinished))
            foreach (var id in sequence.BlockTable)
                references[id]++;
        for (var id = 0; id < blocks.NumBlocks; id++)
            Assert.Equal(references[id], blocks.RefCount(id));
        Assert.Equal(references.Count(r => r == 0), blocks.NumFreeBlocks);
    }

    public static List<int> GenerateAlone(Sequence template, SchedulerConfig config)
    {
        var alone = new EngineHarness(config);
        var copy = alone.Add(new Sequence(template.Id, [.. template.TokenIds.Take(template.NumPromptTokens)], template.SamplingParams, template.Images));
        alone.RunUntilIdle();
        return [.. copy.CompletionTokenIds];
    }
}
