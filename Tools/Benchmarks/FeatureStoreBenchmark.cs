using System.Diagnostics;
using FlorenceVL.Engine.FeatureStore;
using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Modeling;
using FlorenceVL.Engine.Processing.Images;
using FlorenceVL.Engine.Processing.Text;
using FlorenceVL.Engine.Serving;
using FlorenceVL.Engine.Weights;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Benchmarks;

/// <summary>
/// Time to first token for an image already in Redis, on a freshly started engine, against a cold image, with the real
/// Florence-2-large tower shapes (random weights, float32, CPU) at 768x768. The decoder is the tiny test model's (so
/// the ratio isolates the vision side: a real decoder adds the same prefill to both). Also the Redis read time per
/// entry (576 x 4096 bf16). Not a test: the lead's <c>bench</c> command calls it.
/// </summary>
public static class FeatureStoreBenchmark
{
    private const int NumImages = 3;
    private const int NumReads = 30;

    /// <param name="redisConnection">A StackExchange.Redis connection string to a Redis the benchmark may write to.</param>
    /// <param name="tokenizerModelDirectory">A checkpoint folder whose tokenizer and decoder config to use (models/florence-vl-tiny).</param>
    public static void Run(TextWriter output, string redisConnection, string tokenizerModelDirectory) =>
        RunAsync(output, redisConnection, tokenizerModelDirectory).GetAwaiter().GetResult();

    private static async Task RunAsync(TextWriter output, string redisConnection, string tokenizerModelDirectory)
    {
        var store = new FeatureStoreOptions { Redis = redisConnection, KeyPrefix = $"florencevl:bench:{Guid.NewGuid():N}" };
        var images = Enumerable.Range(0, NumImages).Select(i => ImagePreprocessBenchmark.SyntheticPhoto(1000 + i, 750, quality: 90)).ToArray();
        output.WriteLine($"Feature store benchmark: Florence-2-large tower (random weights, float32, CPU, {Environment.ProcessorCount} cores), 768x768, tiny decoder; Redis {redisConnection}");

        double[] cold, hit;
        TowerFingerprint tower;
        long hitEncoded;
        using (var first = StartEngine(tokenizerModelDirectory, store))
        {
            tower = first.TowerFingerprint;
            cold = await TimeAllAsync(first, images);
            await first.FlushFeatureWritesAsync();
            output.WriteLine($"  engine 1 (cold images): vision tower ran on {first.Metrics.VisionImagesEncoded} images, wrote {first.Metrics.FeatureStore.BytesWritten / 1e6:F1} MB");
        }
        using (var second = StartEngine(tokenizerModelDirectory, store))
        {
            if (second.TowerFingerprint != tower) throw new InvalidOperationException("the two engines' towers differ: the benchmark's weights are not reproducible.");
            hit = await TimeAllAsync(second, images);
            hitEncoded = second.Metrics.VisionImagesEncoded;
            output.WriteLine($"  engine 2 (fresh, same images): vision tower ran on {hitEncoded} images, redis hits {second.Metrics.FeatureStore.Hits(FeatureStoreMetrics.RedisTier)}");
            var watch = Stopwatch.StartNew();
            _ = TowerFingerprint.Of(second.Loaded.Model);
            output.WriteLine($"  tower fingerprint (XxHash128 over {second.Loaded.Model.VisionTower.parameters().Sum(p => p.numel()) * 4 / 1e9:F2} GB of weights, once at load): {watch.Elapsed.TotalMilliseconds:F0} ms");
        }
        var (entryBytes, readMs) = await TimeReadsAsync(store, new FeatureKey(Preprocessor().Preprocess(images[0]).ContentHash, tower, store.StoredDType));

        output.WriteLine("                                           per image ms (each image once)      median ms");
        output.WriteLine($"  TTFT, cold image (vision tower runs)      {string.Join("  ", cold.Select(t => $"{t,9:F0}")),-34}{Median(cold),9:F0}");
        output.WriteLine($"  TTFT, image in Redis, fresh engine        {string.Join("  ", hit.Select(t => $"{t,9:F0}")),-34}{Median(hit),9:F0}");
        output.WriteLine($"  cold / Redis hit (median): {Median(cold) / Median(hit):F1} x");
        output.WriteLine($"  Redis read per entry ({entryBytes / 1e6:F2} MB, GET + validation + decode, {NumReads} reads): median {Median(readMs):F2} ms, min {readMs.Min():F2} ms");
    }

    private static InferenceEngine StartEngine(string tokenizerModelDirectory, FeatureStoreOptions store)
    {
        var options = new EngineOptions { ModelPath = tokenizerModelDirectory, ServedModelName = "florence2-large-tower-bench", FeatureStore = store };
        return InferenceEngine.Start(LoadRandomLargeTower(tokenizerModelDirectory), options);
    }

    /// <summary>Same seed, same weights: both engines get one tower fingerprint, as two replicas of one checkpoint do.</summary>
    private static LoadedModel LoadRandomLargeTower(string tokenizerModelDirectory)
    {
        var tiny = FlorenceVLConfig.FromModelDirectory(tokenizerModelDirectory);
        var text = tiny.Text with { MaxPositionEmbeddings = 4096 };
        var config = ModelPresets.FlorenceVL3B with
        {
            ModelType = tiny.ModelType,
            Projector = ModelPresets.FlorenceVL3B.Projector with { TextHiddenSize = text.HiddenSize },
            Text = text,
        };
        manual_seed(20261127);
        var model = new FlorenceVLModel(config, new ModelPlacement(CPU, ScalarType.Float32));
        model.eval();
        var tokenizer = TokenizerLoader.FromModelDirectory(tokenizerModelDirectory);
        return new LoadedModel(model, config, tokenizer, ChatTemplates.ForModelType(config.ModelType, tokenizer), Preprocessor(), new LoadReport(0, [], []));
    }

    private static ImagePreprocessor Preprocessor() => new(new ImagePreprocessConfig { ImageSize = 768 });

    private static async Task<double[]> TimeAllAsync(InferenceEngine engine, IEnumerable<byte[]> images)
    {
        var times = new List<double>();
        foreach (var image in images) times.Add(await TimeToFirstTokenAsync(engine, image));
        return times.ToArray();
    }

    private static async Task<double> TimeToFirstTokenAsync(InferenceEngine engine, byte[] image)
    {
        var request = new GenerationRequest([new ChatMessage(ChatRole.User, [new ImagePart(0), new TextPart("Describe the image.")])], [image],
            new SamplingParams { Temperature = 0, MaxTokens = 1, IgnoreEos = true });
        var watch = Stopwatch.StartNew();
        await using var generation = await engine.StartAsync(request, CancellationToken.None);
        await foreach (var _ in generation.ReadAllAsync(CancellationToken.None)) break;
        return watch.Elapsed.TotalMilliseconds;
    }

    private static async Task<(long Bytes, double[] Milliseconds)> TimeReadsAsync(FeatureStoreOptions options, FeatureKey key)
    {
        var metrics = new FeatureStoreMetrics();
        await using var store = new RedisFeatureStore(options, metrics);
        for (var i = 0; i < 500 && !store.IsConnected; i++) await Task.Delay(10);
        var times = new double[NumReads];
        for (var i = 0; i < NumReads; i++)
        {
            var watch = Stopwatch.StartNew();
            using var tensor = (await store.GetAsync(key) ?? throw new InvalidOperationException($"entry {key} is not in Redis.")).ToTensor();
            times[i] = watch.Elapsed.TotalMilliseconds;
        }
        return (metrics.BytesRead / NumReads, times);
    }

    private static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        return sorted[sorted.Length / 2];
    }
}
