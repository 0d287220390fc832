using FlorenceVL.Engine.FeatureStore;
using FlorenceVL.Training.Cli;
using FlorenceVL.Training.Data;
using FlorenceVL.Training.Modeling;
using static TorchSharp.torch;

namespace FlorenceVL.Training.Commands;

/// <summary>
/// <c>precompute-features &lt;checkpoint&gt; &lt;dataset.json&gt; --redis &lt;connection&gt; [--images &lt;folder&gt;] [--batch 8]</c>:
/// runs the checkpoint's vision tower over every distinct image of a LLaVA dataset and writes the DBFusion features to
/// the shared store, under the keys the server uses; stage 2 (tower frozen) and every server replica then read them.
/// </summary>
public static class PrecomputeFeaturesCommand
{
    public const string Usage = "precompute-features <checkpoint> <dataset.json> --redis <connection> [--images <folder>] [--batch 8]";

    public static int Run(CommandArguments args)
    {
        var checkpoint = args.Required(0, "checkpoint folder");
        var dataset = args.Required(1, "dataset JSON");
        var redis = args.String("redis") ?? throw new UsageException("--redis <connection string> is required.");
        var images = args.String("images") ?? Path.GetDirectoryName(Path.GetFullPath(dataset))!;
        var batchSize = args.Int("batch") ?? 8;
        args.RejectUnknownOptions();

        var loaded = LoadedModel.Load(checkpoint, LoadedModel.Placement("cpu", "float32"));
        var metrics = new FeatureStoreMetrics();
        var store = new RedisFeatureStore(new FeatureStoreOptions { Redis = redis, OperationTimeout = TimeSpan.FromSeconds(5) }, metrics);
        using var storeLifetime = new BlockingDisposal(store);
        if (!WaitForConnection(store, TimeSpan.FromSeconds(15)))
        {
            Console.Error.WriteLine($"error: cannot reach Redis at {redis}.");
            return 1;
        }
        using var features = new FrozenTowerFeatures(loaded.Model, store);
        var collator = new BatchCollator(loaded.Preprocessor);
        var paths = DistinctImages(dataset, images);
        foreach (var chunk in paths.Chunk(batchSize))
        {
            using var batch = collator.Collate(chunk.Select(ImageOnlyExample).ToList());
            using var computed = features.Get(batch.ImageHashes, batch.PixelValues!);
        }
        Console.WriteLine($"{paths.Count} images: {features.NumStoreHits} already in the store, {features.NumImagesEncoded} encoded and written " +
            $"({metrics.BytesWritten / 1_000_000.0:F1} MB, {metrics.Failures} store failures).");
        return metrics.Failures == 0 ? 0 : 1;
    }

    /// <summary>The store connects in the background and answers misses until then: a bulk fill waits for it first.</summary>
    public static bool WaitForConnection(RedisFeatureStore store, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!store.IsConnected && DateTime.UtcNow < deadline) Thread.Sleep(50);
        return store.IsConnected;
    }

    private static IReadOnlyList<string> DistinctImages(string dataset, string imageFolder) =>
        LlavaDatasetReader.ReadRecords(dataset)
            .Select(r => r.Record?.Image)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Select(image => Path.Combine(imageFolder, image))
            .ToList();

    /// <summary>The collator only needs an image path (and an id for error messages).</summary>
    private static TrainingExample ImageOnlyExample(string path) => TrainingExample.ImageOnly(Path.GetFileName(path), path);
}
