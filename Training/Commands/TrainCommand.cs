using FlorenceVL.Engine.FeatureStore;
using FlorenceVL.Training.Cli;
using FlorenceVL.Training.Data;
using FlorenceVL.Training.Modeling;
using FlorenceVL.Training.Stages;

namespace FlorenceVL.Training.Commands;

/// <summary><c>train &lt;stage.json&gt; [--resume &lt;checkpoint&gt;] [--skip-bad]</c></summary>
public static class TrainCommand
{
    public const string Usage = "train <stage.json> [--resume <checkpoint folder>] [--skip-bad] [--feature-store <redis connection>]";

    public static int Run(CommandArguments args)
    {
        var stage = StageFile.Load(args.Required(0, "stage file"));
        var resume = args.String("resume");
        if (args.Flag("skip-bad")) stage = stage with { SkipBad = true };
        var redis = args.String("feature-store");
        args.RejectUnknownOptions();
        var loaded = LoadedModel.Load(resume ?? stage.ModelDirectory, LoadedModel.Placement(stage.Device, stage.DType));
        // With the tower frozen (stage 2), its DBFusion features come from the shared store the server and
        // `precompute-features` fill, instead of running the tower again.
        var store = redis is null ? null : new RedisFeatureStore(new FeatureStoreOptions { Redis = redis, OperationTimeout = TimeSpan.FromSeconds(5) }, new FeatureStoreMetrics());
        using var storeLifetime = new BlockingDisposal(store);
        if (store is not null && !PrecomputeFeaturesCommand.WaitForConnection(store, TimeSpan.FromSeconds(15)))
            Console.Error.WriteLine($"warning: cannot reach Redis at {redis}; vision features will be computed here.");
        using var model = new FlorenceVLTrainingModel(loaded.Model, store);
        var encoder = new ExampleEncoder(loaded.Template, loaded.Model.Config.NumVisualTokens, stage.MaxLength);
        var data = LlavaDatasetReader.Load(stage.Train, encoder, stage.SkipBad);
        Console.WriteLine($"{stage.Name}: {data.Examples.Count} examples from {stage.Train.JsonPath}" +
            (data.Skipped.Count > 0 ? $", {data.Skipped.Count} bad records skipped (first: {data.Skipped[0].Message})" : ""));
        Console.WriteLine($"trainable: {string.Join(", ", stage.TrainableParts.Select(ModelParts.Key))}");
        var trainer = new Trainer(stage, model, data.Examples, new BatchCollator(loaded.Preprocessor), Console.Out);
        try
        {
            var result = trainer.Run(resume);
            Console.WriteLine($"done: {result.NumSteps} steps, final loss {result.History[^1].Loss:F4}, checkpoint {result.FinalCheckpoint}");
            if (store is not null)
                Console.WriteLine($"vision features: {model.FrozenFeatures.NumStoreHits} images from the store, {model.FrozenFeatures.NumImagesEncoded} encoded");
            return 0;
        }
        catch (TrainingDivergedException e)
        {
            Console.Error.WriteLine($"\nerror: {e.Message}");
            return 3;
        }
    }
}
