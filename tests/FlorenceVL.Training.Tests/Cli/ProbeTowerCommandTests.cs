using FlorenceVL.Training.Tests.Support;

namespace FlorenceVL.Training.Tests.Cli;

/// <summary>The probe-tower command through the built host: the sizes it is given are the tower it trains.</summary>
[Collection(nameof(TrainingHostErrorTests))]
public class ProbeTowerCommandTests
{
    // 96 pixels over DaViT's strides 4*2*2*2 leave a 3x3 grid; a last stride of 1 keeps the third stage's 6x6.
    [Theory]
    [InlineData("2", 9)]
    [InlineData("1", 36)]
    public void Trains_the_tower_it_is_given_and_scores_held_out_letters(string lastStride, int expectedTokens)
    {
        var (exitCode, stdout, stderr) = TrainingHost.Run(["probe-tower", "--image-size", "96", "--dims", "16,24,32,48", "--heads", "1,2,2,3",
            "--depths", "1,1,2,1", "--last-stride", lastStride, "--read", "fused", "--max-letters", "3", "--steps", "2", "--batch", "2", "--eval", "4"]);

        Assert.True(exitCode == 0, stdout + stderr);
        Assert.Contains($"tower dims [16,24,32,48] depths [1,1,2,1] heads [1,2,2,3] last stride {lastStride}, {expectedTokens} visual tokens, reading from fused", stdout);
        Assert.Matches(@"step 2: loss \d+\.\d{3}, held out \d+\.\d% letters found, \d+\.\d% images all found", stdout);
    }

    [Fact]
    public void The_cnn_baseline_trains_in_the_towers_place()
    {
        var (exitCode, stdout, stderr) = TrainingHost.Run(["probe-tower", "--image-size", "96", "--read", "cnn", "--max-letters", "1",
            "--steps", "2", "--batch", "2", "--eval", "2"]);

        Assert.True(exitCode == 0, stdout + stderr);
        Assert.Contains("reading from cnn", stdout);
        // Without --read the probe reads DaViT's output, the setting that learns.
        var (defaultCode, defaultOut, defaultErr) = TrainingHost.Run(["probe-tower", "--image-size", "96", "--steps", "1", "--batch", "2", "--eval", "2"]);
        Assert.True(defaultCode == 0, defaultOut + defaultErr);
        Assert.Contains("reading from davit", defaultOut);
        Assert.Matches(@"step 2: loss \d+\.\d{3}, held out", stdout);
    }

    [Theory]
    [InlineData("--read", "pixels", "--read must be davit, fused, cnn")]
    [InlineData("--max-letters", "4", "--max-letters must be 1, 2 or 3")]
    [InlineData("--tower-init", "xavier", "--tower-init must be florence or fan-in")]
    public void Rejects_unknown_choices_with_usage(string option, string value, string message)
    {
        var (exitCode, _, stderr) = TrainingHost.Run(["probe-tower", option, value]);

        Assert.Equal(2, exitCode);
        Assert.Contains(message, stderr);
    }

    [Fact]
    public void Rejects_sizes_that_are_not_positive_integers()
    {
        var (exitCode, _, stderr) = TrainingHost.Run(["probe-tower", "--dims", "32,0,64,96"]);

        Assert.Equal(2, exitCode);
        Assert.Contains("--dims takes positive integers", stderr);
    }
}
