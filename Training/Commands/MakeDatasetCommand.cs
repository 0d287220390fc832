using FlorenceVL.Training.Cli;
using FlorenceVL.Training.Datasets.Shapes;

namespace FlorenceVL.Training.Commands;

/// <summary><c>make-dataset shapes &lt;out&gt; [--seed N] [--train N] [--eval N] [--size PX] [--word-scale F] [--varied [--classic-share F] [--text-only F]] [--ood N] [--letters N]</c></summary>
public static class MakeDatasetCommand
{
    public const string Usage = "make-dataset shapes <out> [--seed N] [--train N] [--eval N] [--size PX] [--word-scale F] [--varied [--classic-share F] [--text-only F]] [--ood N] [--letters N]";

    public static int Run(CommandArguments args)
    {
        var kind = args.Required(0, "dataset kind (shapes)");
        if (kind != "shapes") throw new UsageException($"unknown dataset kind '{kind}' (only 'shapes').");
        var output = args.Required(1, "output folder");
        var defaults = new ShapesDatasetOptions();
        var options = new ShapesDatasetOptions(
            args.Int("seed") ?? defaults.Seed,
            args.Int("train") ?? defaults.NumTrain,
            args.Int("eval") ?? defaults.NumEval,
            args.Int("size") ?? defaults.ImageSize,
            defaults.WordProbability,
            args.Double("word-scale") ?? defaults.WordScale,
            args.Flag("varied"),
            args.Int("ood") ?? defaults.NumOod,
            args.Double("classic-share") ?? defaults.ClassicShare,
            args.Double("text-only") ?? defaults.TextOnlyShare,
            args.Int("letters") ?? defaults.NumLetters);
        args.RejectUnknownOptions();
        try { options.Validate(); }
        catch (ArgumentOutOfRangeException e) { throw new UsageException(e.Message); }
        var summary = ShapesDatasetWriter.Write(output, options);
        Console.WriteLine($"wrote {output}: train {summary.Train.NumImages} images ({summary.Train.NumQuestions} questions in " +
            $"{summary.Train.NumQuestionRecords} conversations), eval {summary.Eval.NumImages} images ({summary.Eval.NumQuestions} questions)" +
            (summary.Ood is { } ood ? $", ood {ood.NumImages} images ({ood.NumQuestionRecords} records)" : "") +
            (summary.Letters is { } letters ? $", letters {letters.NumImages} images" : "") + $", seed {options.Seed}");
        return 0;
    }
}
