using FlorenceVL.Engine.Modeling;
using FlorenceVL.Training.Checkpointing;
using FlorenceVL.Training.Cli;
using FlorenceVL.Training.Modeling;
using FlorenceVL.Training.TowerPretraining;

namespace FlorenceVL.Training.Commands;

/// <summary>
/// <c>pretrain-tower</c>: the recipe's first step after <c>init</c>. Florence-VL starts from a Florence-2 that already
/// reads text; a tower trained from scratch on captions learns only the words it was shown, as whole pictures (issue 18).
/// This trains the model's vision tower alone to name the capitals in an image (<see cref="LetterReadingTrainer"/>,
/// through its DBFusion output) and writes the whole model, the rest unchanged, to the output folder in float32.
/// </summary>
public static class PretrainTowerCommand
{
    public const string Usage = "pretrain-tower <model> --out <folder> [--steps N] [--batch N] [--lr F] [--weight-decay F] [--read davit|fused] [--max-letters 1-3] [--eval N] [--seed N]";

    public static int Run(CommandArguments args)
    {
        var source = args.Required(0, "the model folder to start from");
        var output = args.String("out") ?? throw new UsageException("pretrain-tower needs --out <folder>.");
        var settings = Settings(args, readOptions: ["davit", "fused"]);
        args.RejectUnknownOptions();
        using var model = LoadedModel.Load(source, ModelPlacement.CpuFloat32).Model;
        var tower = model.Config.Vision.DaViT;
        var score = new LetterReadingTrainer(model, model.Config.ImageSize, settings, Console.Out).Train([.. tower.DimEmbed], tower.PatchStride[^1]);
        CheckpointWriter.Write(output, model.state_dict(), source, saveDType: null);
        Console.WriteLine($"wrote {output}: the tower reads {score}");
        return 0;
    }

    /// <summary>The letter-reading options shared with probe-tower.</summary>
    internal static LetterReadingSettings Settings(CommandArguments args, IReadOnlyList<string> readOptions)
    {
        var defaults = new LetterReadingSettings();
        var settings = new LetterReadingSettings(
            Steps: args.Int("steps") ?? defaults.Steps,
            BatchSize: args.Int("batch") ?? defaults.BatchSize,
            LearningRate: args.Double("lr") ?? defaults.LearningRate,
            WeightDecay: args.Double("weight-decay") ?? defaults.WeightDecay,
            Read: args.String("read") ?? defaults.Read,
            MaxLetters: args.Int("max-letters") ?? defaults.MaxLetters,
            NumEval: args.Int("eval") ?? defaults.NumEval,
            Seed: args.Int("seed") ?? defaults.Seed);
        if (!readOptions.Contains(settings.Read)) throw new UsageException($"--read must be {string.Join(", ", readOptions)}.");
        if (settings.MaxLetters is < 1 or > 3) throw new UsageException("--max-letters must be 1, 2 or 3.");
        if (settings.Steps < 1 || settings.BatchSize < 1 || settings.NumEval < 1) throw new UsageException("--steps, --batch and --eval must be positive.");
        return settings;
    }
}
