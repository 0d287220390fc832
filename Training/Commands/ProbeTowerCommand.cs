using FlorenceVL.Engine.Modeling;
using FlorenceVL.Training.Cli;
using FlorenceVL.Training.Modeling;
using FlorenceVL.Training.TowerPretraining;

namespace FlorenceVL.Training.Commands;

/// <summary>
/// <c>probe-tower</c>: how fast a random vision tower of the given sizes learns to read, before a recipe run spends an
/// hour on it. A fresh tower (the one <c>init</c> builds from the same options) learns which capitals an image shows
/// (<see cref="LetterReadingTrainer"/>), read from its DBFusion output, its DaViT output, or a plain CNN baseline in its
/// place, scored on held-out images. The LLM is not involved, so two towers compare on reading alone, in minutes.
/// </summary>
public static class ProbeTowerCommand
{
    public const string Usage = "probe-tower [--dims 32,48,64,96] [--depths 1,1,1,1] [--heads 2,3,4,6] [--last-stride 1|2] [--image-size PX] [--tower-init florence|fan-in] " +
        "[--read davit|fused|cnn] [--max-letters 1-3] [--steps N] [--batch N] [--lr F] [--weight-decay F] [--eval N] [--seed N]";

    public static int Run(CommandArguments args)
    {
        var spec = InitCommand.TowerSpec(args);
        var settings = PretrainTowerCommand.Settings(args, readOptions: ["davit", "fused", "cnn"]);
        args.RejectUnknownOptions();
        var directory = Directory.CreateTempSubdirectory("probe-tower-").FullName;
        try
        {
            TinyModelFactory.Create(directory, spec, ["A B C"], settings.Seed, maxMerges: 10);
            // Loaded back as a recipe run would start: the factory's initialisation, not TorchSharp's defaults.
            using var model = LoadedModel.Load(directory, ModelPlacement.CpuFloat32).Model;
            Console.WriteLine($"tower dims [{string.Join(",", spec.Dims)}] depths [{string.Join(",", spec.Depths)}] heads [{string.Join(",", spec.Heads)}] " +
                $"last stride {spec.LastStride}, {model.Config.NumVisualTokens} visual tokens, reading from {settings.Read}");
            new LetterReadingTrainer(model, spec.ImageSize, settings, Console.Out).Train(spec.Dims, spec.LastStride);
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
