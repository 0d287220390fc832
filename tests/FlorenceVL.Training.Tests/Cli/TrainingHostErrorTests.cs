using FlorenceVL.Training.Tests.Support;

namespace FlorenceVL.Training.Tests.Cli;

/// <summary>
/// Runs alone: each test blocks a thread for a whole host start-up, which other classes' sync-over-async Redis reads
/// would otherwise wait behind (see ThreadPoolHeadroom).
/// </summary>
[CollectionDefinition(nameof(TrainingHostErrorTests), DisableParallelization = true)]
public sealed class TrainingHostCollection;

/// <summary>The training host as users run it (its built dll beside the tests): bad input is one error line and exit 1, not a stack trace.</summary>
[Collection(nameof(TrainingHostErrorTests))]
public class TrainingHostErrorTests
{
    [Fact]
    public void A_stage_file_that_contradicts_itself_is_reported_as_an_error_line()
    {
        using var dir = new TempDirectory();
        var stage = dir.Combine("stage.json");
        File.WriteAllText(stage, """
            { "stage": "instruction_tuning", "model": "m", "output": "o", "train": { "json": "d.json", "images": "img" },
              "trainable": ["projector", "llm"], "learning_rates": { "vision_tower": 1e-4 } }
            """);

        var (exitCode, stdout, stderr) = TrainingHost.Run("train", stage);

        Assert.Equal(1, exitCode);
        Assert.StartsWith("error: ", stderr.Trim());
        Assert.Contains("vision_tower", stderr);
        Assert.DoesNotContain("Unhandled exception", stderr + stdout);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void A_missing_checkpoint_folder_is_reported_as_an_error_line()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("d.json"), "[]");

        var (exitCode, _, stderr) = TrainingHost.Run("eval", dir.Combine("no-such-checkpoint"), dir.Combine("d.json"));

        Assert.Equal(1, exitCode);
        Assert.StartsWith("error: ", stderr.Trim());
        Assert.Contains("no-such-checkpoint", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Theory]
    [InlineData("--word-scale", "0.5", "--word-scale")]
    [InlineData("--word-scale", "big", "expects a number")]
    [InlineData("--size", "10", "--size must be at least 64")]
    public void A_dataset_option_out_of_range_is_a_usage_error_that_writes_nothing(string option, string value, string expected)
    {
        using var dir = new TempDirectory();
        var output = dir.Combine("shapes");

        var (exitCode, stdout, stderr) = TrainingHost.Run("make-dataset", "shapes", output, "--train", "2", "--eval", "1", option, value);

        Assert.Equal(2, exitCode);
        Assert.StartsWith("error: ", stderr.Trim());
        Assert.Contains(expected, stderr);
        Assert.DoesNotContain("   at ", stderr + stdout);
        Assert.False(Directory.Exists(output));
    }
}
