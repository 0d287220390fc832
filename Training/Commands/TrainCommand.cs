using FlorenceVL.Training.Cli;
using FlorenceVL.Training.Data;
using FlorenceVL.Training.Modeling;
using FlorenceVL.Training.Stages;

namespace FlorenceVL.Training.Commands;

/// <summary><c>train &lt;stage.json&gt; [--resume &lt;checkpoint&gt;] [--skip-bad]</c></summary>
public static class TrainCommand
{
    public const string Usage = "train <stage.json> [--resume <checkpoint folder>] [--skip-bad]";

    public static int Run(CommandArguments args)
    {
        var stage = StageFile.Load(args.Required(0, "stage file"));
        var resume = args.String("resume");
        if (args.Flag("skip-bad")) stage = stage with { SkipBad = true };
        args.RejectUnknownOptions();
        var loaded = LoadedModel.Load(resume ?? stage.ModelDirectory, LoadedModel.Placement(stage.Device, stage.DType));
        using var model = new FlorenceVLTrainingModel(loaded.Model);
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
            return 0;
        }
        catch (TrainingDivergedException e)
        {
            Console.Error.WriteLine($"\nerror: {e.Message}");
            return 3;
        }
    }
}
