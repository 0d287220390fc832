using System.Diagnostics;
using FlorenceVL.Engine.Serving;

namespace FlorenceVL.Engine.Benchmarks;

/// <summary>
/// Scenario "memory": 1,000 short requests through the facade, 32 in flight, every tenth with a new image (so the
/// encoder cache fills and evicts); resident memory after a full GC is read after the first 100 and after all 1,000.
/// Growth beyond 5% would mean something per request is kept (tensors, sequences, cache entries, channels).
/// </summary>
internal static class MemoryBenchmark
{
    private const int Requests = 1000;
    private const int Checkpoint = 100;
    private const int InFlight = 32;
    private const int ImageEvery = 10;

    public static async Task<IReadOnlyList<BenchFigure>> RunAsync(BenchSettings settings)
    {
        var output = settings.Output;
        using var engine = InferenceEngine.Start(BenchPreset.Create(settings.DType, settings.TokenizerDirectory), BenchPreset.EngineOptions());
        var images = Enumerable.Range(0, Requests / ImageEvery).Select(i => BenchRequests.Jpeg(seed: 5000 + i, width: 640, height: 480)).ToArray();
        GenerationRequest Request(int i) => i % ImageEvery == 0
            ? BenchRequests.WithImage(engine.Loaded, images[i / ImageEvery], 16, maxTokens: 8, seed: i)
            : BenchRequests.Text(engine.Loaded, 32, maxTokens: 16, seed: i);

        var watch = Stopwatch.StartNew();
        await RunBatchAsync(engine, Enumerable.Range(0, Checkpoint).Select(Request));
        var afterFirst = ResidentMiB();
        output.WriteLine($"  after {Checkpoint} requests: {afterFirst:F1} MiB resident ({watch.Elapsed.TotalSeconds:F0} s)");
        await RunBatchAsync(engine, Enumerable.Range(Checkpoint, Requests - Checkpoint).Select(Request));
        var afterAll = ResidentMiB();
        var stats = engine.Metrics.Scheduler;
        output.WriteLine($"  after {Requests} requests: {afterAll:F1} MiB resident ({watch.Elapsed.TotalSeconds:F0} s); " +
                         $"KV blocks used {stats.NumUsedBlocks}, running {stats.NumRunning}, waiting {stats.NumWaiting}, " +
                         $"encoder cache entries {stats.EncoderCache.NumEntries}, requests by status " +
                         string.Join(", ", engine.Metrics.RequestsByStatus.Select(p => $"{p.Key} {p.Value}")));

        var growth = (afterAll - afterFirst) / afterFirst * 100;
        return
        [
            new("memory", $"resident memory growth from request {Checkpoint} to {Requests} ({settings.DTypeName})", growth, "%", "within 5 %", Math.Abs(growth) <= 5),
            new("memory", $"resident memory after {Checkpoint} requests (after GC)", afterFirst, "MiB"),
            new("memory", $"resident memory after {Requests} requests (after GC)", afterAll, "MiB"),
        ];
    }

    private static async Task RunBatchAsync(IInferenceEngine engine, IEnumerable<GenerationRequest> requests)
    {
        using var gate = new SemaphoreSlim(InFlight);
        var tasks = requests.Select(async request =>
        {
            await gate.WaitAsync();
            try { await FacadeClient.RunAsync(engine, request); }
            finally { gate.Release(); }
        }).ToList();
        await Task.WhenAll(tasks);
    }

    private static double ResidentMiB()
    {
        for (var i = 0; i < 2; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / (1024.0 * 1024.0);
    }
}
