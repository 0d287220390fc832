using FlorenceVL.Engine.Runtime;
using System.Diagnostics;
using FlorenceVL.Engine.Serving;

namespace FlorenceVL.Engine.Benchmarks;

/// <summary>
/// Scenario "memory": 1,000 short requests through the facade, 32 in flight, every 25th with a new image (40 images: the
/// encoder cache, sized for 16, fills and evicts); resident memory after a full GC is read after the first 100 and after all 1,000.
/// Growth beyond 5% would mean something per request is kept (tensors, sequences, cache entries, channels) or that freed
/// native memory is not handed back (the engine trims it when it goes idle).
/// </summary>
internal static class MemoryBenchmark
{
    private const int Requests = 1000;
    private const int Checkpoint = 100;
    private const int InFlight = 32;
    private const int ImageEvery = 25;
    private const int EncoderCacheImages = 16;
    private static readonly TimeSpan IdleSettle = TimeSpan.FromMilliseconds(300);

    public static async Task<IReadOnlyList<BenchFigure>> RunAsync(BenchSettings settings)
    {
        var output = settings.Output;
        using var engine = InferenceEngine.Start(BenchPreset.Create(settings),
            BenchPreset.EngineOptions() with { EncoderCacheImages = EncoderCacheImages });
        var images = Enumerable.Range(0, Requests / ImageEvery).Select(i => BenchRequests.Jpeg(seed: 5000 + i, width: 640, height: 480)).ToArray();
        GenerationRequest Request(int i) => i % ImageEvery == 0
            ? BenchRequests.WithImage(engine.Loaded, images[i / ImageEvery], 16, maxTokens: 8, seed: i)
            : BenchRequests.Text(engine.Loaded, 32, maxTokens: 8, seed: i);

        var watch = Stopwatch.StartNew();
        await RunBatchAsync(engine, Enumerable.Range(0, Checkpoint).Select(Request));
        var afterFirst = ResidentMiB();
        output.WriteLine($"  after {Checkpoint} requests: {afterFirst:F1} MiB resident ({watch.Elapsed.TotalSeconds:F0} s)");
        for (var from = Checkpoint; from < Requests; from += Checkpoint)
        {
            await RunBatchAsync(engine, Enumerable.Range(from, Checkpoint).Select(Request));
            output.WriteLine($"  after {from + Checkpoint} requests: {ResidentMiB():F1} MiB resident, managed heap {GC.GetTotalMemory(false) / 1048576.0:F1} MiB, " +
                             $"encoder cache entries {engine.Metrics.Scheduler.EncoderCache.NumEntries} ({watch.Elapsed.TotalSeconds:F0} s)");
        }
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

    /// <summary>
    /// Resident size once the engine is idle, after a full GC and with freed native memory handed back. The engine trims
    /// when it goes idle, but the collection here runs finalizers after that and frees more tensors; without trimming
    /// again, the reading depended on how much the finalizers happened to free (one 100-request reading came out
    /// 50 MiB above the 1,000-request one).
    /// </summary>
    private static double ResidentMiB()
    {
        Thread.Sleep(IdleSettle);
        for (var i = 0; i < 2; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        GC.Collect();
        NativeMemory.Trim();
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 / (1024.0 * 1024.0);
    }
}
