using FlorenceVL.Engine.Processing.Images;
using System.Text.Json;
using FlorenceVL.Training.Cli;
using FlorenceVL.Training.Data;
using FlorenceVL.Training.Evaluation;
using FlorenceVL.Training.Modeling;

namespace FlorenceVL.Training.Commands;

/// <summary>
/// <c>eval &lt;checkpoint&gt; &lt;dataset.json[,other.json...]&gt; [--images DIR] [--limit N] [--out report.json]</c>: one table per
/// dataset file (the default model's script passes the classic held-out split and the out-of-distribution one). With
/// several files, --images applies to each (default: each file's own images folder), --limit to each, and the report
/// holds one entry per file, by file name. --gate adds each gated type's floor (<see cref="QualityGate"/>) to its table
/// and exits with 4 when any split misses one, so a script can refuse to ship such a model.
/// </summary>
public static class EvalCommand
{
    public const string Usage = "eval <checkpoint> <dataset.json[,more.json]> [--images DIR] [--limit N] [--out report.json] [--device cpu] [--dtype float32|bfloat16] [--max-new-tokens N] [--detail low|high] [--gate]";

    /// <summary>The exit code when --gate is given and a split misses a floor.</summary>
    public const int GateFailed = 4;

    public static int Run(CommandArguments args)
    {
        var checkpoint = args.Required(0, "checkpoint folder");
        var jsons = args.Required(1, "dataset JSON").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (jsons.Length == 0) throw new UsageException("missing dataset JSON.");
        var imagesOption = args.String("images");
        var limit = args.Int("limit");
        var output = args.String("out");
        var device = args.String("device") ?? "cpu";
        // bfloat16: what a server with FlorenceVL:Model:DType auto runs on a CPU with native bf16 (or a GPU).
        var dtype = args.String("dtype") ?? "float32";
        if (dtype is not ("float32" or "bfloat16")) throw new UsageException("--dtype takes float32 or bfloat16.");
        // Short answers by default; captions need room (the shapes captions run to about 60 tokens).
        var maxNewTokens = args.Int("max-new-tokens") ?? 12;
        // detail "low": the server's smaller preset (ImageDetailSizes.LowSide), to measure what it costs.
        var detail = args.String("detail") ?? "high";
        if (detail is not ("low" or "high")) throw new UsageException("--detail takes low or high.");
        if (maxNewTokens < 1) throw new UsageException("--max-new-tokens must be at least 1.");
        var gate = args.Flag("gate");
        args.RejectUnknownOptions();
        var loaded = LoadedModel.Load(checkpoint, LoadedModel.Placement(device, dtype));
        using var model = loaded.Model;
        var preprocessor = detail == "low"
            ? new ImagePreprocessor(loaded.Preprocessor.Config with { ImageSize = ImageDetailSizes.LowSide(model.Config) })
            : loaded.Preprocessor;
        using var generator = new AnswerGenerator(model, loaded.Template, loaded.Tokenizer, preprocessor);
        var reports = new Dictionary<string, EvaluationReport>(StringComparer.Ordinal);
        var missed = new List<string>();
        foreach (var json in jsons)
        {
            var images = imagesOption ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(json))!, "images");
            var records = LlavaDatasetReader.ReadRecords(json).Select(r => r.Record).OfType<LlavaRecord>().Take(limit ?? int.MaxValue).ToList();
            var report = ExactMatchEvaluator.Evaluate(records, new DatasetSource(json, images), (prompt, image) => generator.Answer(prompt, image, maxNewTokens));
            if (jsons.Length > 1) Console.WriteLine($"== {Path.GetFileName(json)}");
            var verdicts = gate ? QualityGate.Check(report).ToDictionary(g => g.Score.QuestionType) : [];
            foreach (var score in report.ByType.Append(report.Overall))
                Console.WriteLine($"{score.QuestionType,-12} {score.Accuracy,7:P1}  ({score.NumCorrect}/{score.NumQuestions})" +
                    (verdicts.TryGetValue(score.QuestionType, out var verdict) ? $"  gate {verdict.Floor * 100:0}% {(verdict.Passes ? "pass" : "MISSED")}" : ""));
            missed.AddRange(verdicts.Values.Where(v => !v.Passes).Select(v => $"{Path.GetFileName(json)} {v.Score.QuestionType}"));
            reports[Path.GetFileName(json)] = report;
        }
        var options = new JsonSerializerOptions { WriteIndented = true };
        if (output is not null)
            File.WriteAllText(output, jsons.Length == 1 ? JsonSerializer.Serialize(reports.Values.Single(), options) : JsonSerializer.Serialize(reports, options));
        if (missed.Count == 0) return 0;
        Console.Error.WriteLine($"quality gate missed: {string.Join(", ", missed)}");
        return GateFailed;
    }
}
