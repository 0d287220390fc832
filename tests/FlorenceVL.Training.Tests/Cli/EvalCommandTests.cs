using System.Text.Json;
using FlorenceVL.Training.Datasets.Shapes;
using FlorenceVL.Training.Evaluation;
using FlorenceVL.Training.Tests.Support;

namespace FlorenceVL.Training.Tests.Cli;

/// <summary>The eval command through the built host, on the committed default model and a held-out shapes image.</summary>
[Collection(nameof(TrainingHostErrorTests))]
public class EvalCommandTests
{
    [Fact]
    public void Max_new_tokens_lets_eval_score_whole_captions_not_just_short_answers()
    {
        using var data = new TempDirectory();
        ShapesDatasetWriter.Write(data.Path, new ShapesDatasetOptions(Seed: 1234, NumTrain: 0, NumEval: 1, ImageSize: 160));
        var captions = data.Combine("stage1_eval.json");

        var shortAnswer = Caption(data, captions, []);
        var wholeCaption = Caption(data, captions, ["--max-new-tokens", "80"]);

        // The default stops at 12 tokens, a few words into the caption; with room the caption ends with its full stop.
        Assert.StartsWith(shortAnswer.TrimEnd(), wholeCaption);
        Assert.True(wholeCaption.Length > shortAnswer.Length + 20, $"'{wholeCaption}' is not longer than '{shortAnswer}'");
        Assert.EndsWith(".", wholeCaption);
    }

    [Fact]
    public void Several_split_files_give_one_table_each_and_one_report_entry_each()
    {
        using var data = new TempDirectory();
        ShapesDatasetWriter.Write(data.Path, new ShapesDatasetOptions(Seed: 1234, NumTrain: 0, NumEval: 1, ImageSize: 160, NumOod: 1));
        var report = data.Combine("report.json");
        var splits = $"{data.Combine("stage2_eval.json")},{data.Combine("stage2_eval_ood.json")}";

        var (exitCode, stdout, stderr) = TrainingHost.Run("eval", TrainingHost.DefaultModelDirectory, splits, "--limit", "2", "--out", report);

        Assert.True(exitCode == 0, stdout + stderr);
        Assert.Contains("== stage2_eval.json", stdout);
        Assert.Contains("== stage2_eval_ood.json", stdout);
        Assert.Equal(2, stdout.Split('\n').Count(line => line.StartsWith("overall", StringComparison.Ordinal)));
        var reports = JsonSerializer.Deserialize<Dictionary<string, EvaluationReport>>(File.ReadAllText(report))!;
        Assert.Equal(["stage2_eval.json", "stage2_eval_ood.json"], reports.Keys.Order());
        Assert.All(reports.Values, r => Assert.Equal(2, r.Answers.Count));
    }

    [Fact]
    public void Gate_exits_with_4_and_names_the_split_and_type_a_model_misses()
    {
        using var data = new TempDirectory();
        ShapesDatasetWriter.Write(data.Path, new ShapesDatasetOptions(Seed: 1234, NumTrain: 0, NumEval: 1, ImageSize: 160));
        // Eval image 0 (the README's example.png) has four shapes; no model reads a word that is not in the picture.
        File.WriteAllText(data.Combine("miss.json"), """
            [{"id": "a", "image": "eval_00000.png", "question_type": "word",
              "conversations": [{"from": "human", "value": "<image>\nWhat word is written in the image?"}, {"from": "gpt", "value": "QXZVJ"}]}]
            """);
        File.WriteAllText(data.Combine("unGated.json"), """
            [{"id": "b", "image": "eval_00000.png", "question_type": "json",
              "conversations": [{"from": "human", "value": "<image>\nWhat word is written in the image?"}, {"from": "gpt", "value": "QXZVJ"}]}]
            """);
        var images = data.Combine(ShapesDatasetWriter.ImageFolder);

        var missed = TrainingHost.Run("eval", TrainingHost.DefaultModelDirectory, data.Combine("miss.json"), "--images", images, "--gate");
        var unGated = TrainingHost.Run("eval", TrainingHost.DefaultModelDirectory, data.Combine("unGated.json"), "--images", images, "--gate");
        var withoutGate = TrainingHost.Run("eval", TrainingHost.DefaultModelDirectory, data.Combine("miss.json"), "--images", images);

        Assert.Equal(4, missed.ExitCode);
        Assert.Contains("gate 80% MISSED", missed.Stdout);
        Assert.Contains("quality gate missed: miss.json word", missed.Stderr);
        Assert.True(unGated.ExitCode == 0, unGated.Stdout + unGated.Stderr);   // json is reported, not gated
        Assert.True(withoutGate.ExitCode == 0, withoutGate.Stdout + withoutGate.Stderr);
    }

    [Fact]
    public void A_max_new_tokens_below_one_is_a_usage_error()
    {
        using var data = new TempDirectory();
        File.WriteAllText(data.Combine("d.json"), "[]");

        var (exitCode, _, stderr) = TrainingHost.Run("eval", TrainingHost.DefaultModelDirectory, data.Combine("d.json"), "--max-new-tokens", "0");

        Assert.Equal(2, exitCode);                                               // the host's exit code for usage errors
        Assert.StartsWith("error: --max-new-tokens", stderr.Trim());
        Assert.DoesNotContain("   at ", stderr);
    }

    private static string Caption(TempDirectory data, string captions, string[] options)
    {
        var report = data.Combine($"report{options.Length}.json");
        var (exitCode, stdout, stderr) = TrainingHost.Run(["eval", TrainingHost.DefaultModelDirectory, captions, "--out", report, .. options]);
        Assert.True(exitCode == 0, stdout + stderr);
        return JsonSerializer.Deserialize<EvaluationReport>(File.ReadAllText(report))!.Answers.Single().Actual;
    }
}
