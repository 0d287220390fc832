using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Serving;

namespace FlorenceVL.Engine.Tests.Serving;

public class AbortStormTests
{
    [Fact]
    public async Task After_random_aborts_and_completions_every_block_is_free_and_no_sequence_is_left()
    {
        using var engine = InferenceEngine.Start(TestModel.Options(o => o with { KvCacheBytes = 40 * 16 * 1024L, MaxWaiting = 1000 }));
        var random = new Random(11);
        var tasks = Enumerable.Range(0, 48).Select(async i =>
        {
            using var cancel = new CancellationTokenSource();
            var images = random.Next(3) == 0 ? Array.Empty<byte[]>() : [TestModel.Png(random.Next(6))];
            var request = EngineDriver.Request($"Question {i}", images,
                new SamplingParams { Temperature = 0.8f, Seed = i, MaxTokens = 5 + random.Next(30), IgnoreEos = true, N = 1 + random.Next(2) });
            if (i % 4 == 0)
            {
                // Some clients always leave mid-stream, so the storm aborts running sequences whatever the timing.
                await using var generation = await engine.StartAsync(request, default);
                await foreach (var e in generation.ReadAllAsync(default))
                    if (e is TextDelta) break;
                return;
            }
            if (random.Next(2) == 0) cancel.CancelAfter(TimeSpan.FromMilliseconds(random.Next(1, 200)));
            try { await EngineDriver.RunAsync(engine, request, cancel.Token); }
            catch (OperationCanceledException) { }
        }).ToList();
        await Task.WhenAll(tasks);

        await EngineDriver.EventuallyAsync(() => engine.Metrics.Scheduler is { NumRunning: 0, NumWaiting: 0, NumUsedBlocks: 0 },
            "no sequence left and every KV block free");
        Assert.True(engine.Metrics.RequestsByStatus.GetValueOrDefault("abort") > 0, "some requests should have been aborted");
        Assert.True(engine.Metrics.RequestsByStatus.GetValueOrDefault("length") > 0, "some requests should have completed");
    }

    [Fact]
    public async Task A_full_waiting_queue_refuses_new_work_with_a_typed_overload_error()
    {
        using var engine = InferenceEngine.Start(TestModel.Options(o => o with { MaxWaiting = 1, MaxNumSeqs = 1 }));
        var sampling = new SamplingParams { Temperature = 0, MaxTokens = 100, IgnoreEos = true };
        var running = new List<IGeneration>();
        var overloaded = false;
        for (var i = 0; i < 6 && !overloaded; i++)
        {
            try { running.Add(await engine.StartAsync(EngineDriver.Request($"Busy {i}", [], sampling), default)); }
            catch (EngineOverloadedException) { overloaded = true; }
        }
        foreach (var generation in running) await generation.DisposeAsync();
        Assert.True(overloaded, "a bounded queue must refuse work beyond it");
    }
}
