using FlorenceVL.Engine.Weights;
using FlorenceVL.Training.Datasets.Shapes;
using FlorenceVL.Training.Tests.Support;
using static TorchSharp.torch;

namespace FlorenceVL.Training.Tests.Cli;

/// <summary>The pretrain-tower command through the built host: it trains the tower and nothing else, and writes a model that loads.</summary>
[Collection(nameof(TrainingHostErrorTests))]
public class PretrainTowerCommandTests
{
    [Fact]
    public void Writes_the_model_with_a_trained_tower_and_everything_else_as_it_was()
    {
        using var dir = new TempDirectory();
        ShapesDatasetWriter.Write(dir.Combine("data"), new ShapesDatasetOptions(Seed: 3, NumTrain: 4, NumEval: 0, ImageSize: 96));
        var (initCode, initOut, initErr) = TrainingHost.Run(["init", dir.Combine("init"), "--corpus", dir.Combine("data", "stage1_train.json"),
            "--image-size", "96", "--dims", "16,24,32,48", "--heads", "1,2,2,3"]);
        Assert.True(initCode == 0, initOut + initErr);

        var (exitCode, stdout, stderr) = TrainingHost.Run(["pretrain-tower", dir.Combine("init"), "--out", dir.Combine("tower"),
            "--steps", "3", "--batch", "2", "--eval", "2", "--lr", "1e-2"]);

        Assert.True(exitCode == 0, stdout + stderr);
        Assert.Matches(@"wrote .*tower: the tower reads \d+\.\d% letters found", stdout);
        using var before = SafetensorsCheckpoint.Open(dir.Combine("init"));
        using var after = SafetensorsCheckpoint.Open(dir.Combine("tower"));
        Assert.Equal(before.Names.Order(), after.Names.Order());
        var changed = before.Names.Where(name => !Same(before, after, name)).ToList();
        Assert.NotEmpty(changed);
        Assert.All(changed, name => Assert.StartsWith("model.vision_tower.", name));
        Assert.Contains(changed, name => name.Contains(".convs.0.proj.weight", StringComparison.Ordinal));
        Assert.True(File.Exists(dir.Combine("tower", "tokenizer.json")) && File.Exists(dir.Combine("tower", "vision_tower", "config.json")));
    }

    [Fact]
    public void Needs_an_output_folder()
    {
        var (exitCode, _, stderr) = TrainingHost.Run(["pretrain-tower", "some-model"]);

        Assert.Equal(2, exitCode);
        Assert.Contains("--out", stderr);
    }

    private static bool Same(SafetensorsCheckpoint a, SafetensorsCheckpoint b, string name)
    {
        using var x = a.Load(name);
        using var y = b.Load(name);
        return x.shape.SequenceEqual(y.shape) && x.eq(y).all().item<bool>();
    }
}
