using System.Text.Json.Nodes;
using FlorenceVL.Engine.Configuration;
using FlorenceVL.Training.Datasets.Shapes;
using FlorenceVL.Training.Tests.Support;

namespace FlorenceVL.Training.Tests.Cli;

/// <summary>The init command through the built host: the decoder depth is a choice, and the checkpoint says so.</summary>
[Collection(nameof(TrainingHostErrorTests))]
public class InitCommandTests
{
    [Theory]
    [InlineData(null, 3)]
    [InlineData("2", 2)]
    public void Decoder_layers_sets_the_depth_the_config_and_the_weights_agree_on(string? layers, int expected)
    {
        using var dir = new TempDirectory();
        ShapesDatasetWriter.Write(dir.Combine("data"), new ShapesDatasetOptions(Seed: 3, NumTrain: 4, NumEval: 0, ImageSize: 96));
        string[] depth = layers is null ? [] : ["--decoder-layers", layers];

        var (exitCode, stdout, stderr) = TrainingHost.Run(["init", dir.Combine("init"), "--corpus", dir.Combine("data", "stage1_train.json"), .. depth]);

        Assert.True(exitCode == 0, stdout + stderr);
        var config = JsonNode.Parse(File.ReadAllText(dir.Combine("init", "config.json")))!;
        Assert.Equal(expected, config["num_hidden_layers"]!.GetValue<int>());
        Assert.Equal(expected, FlorenceVLConfig.FromModelDirectory(dir.Combine("init")).Text.NumHiddenLayers);
        var header = SafetensorsHeader(dir.Combine("init", "model.safetensors"));
        Assert.Contains($"model.layers.{expected - 1}.self_attn.qkv_proj.weight", header);
        Assert.DoesNotContain($"model.layers.{expected}.", header);
    }

    [Fact]
    public void Tower_sizes_reach_the_vision_config_with_a_head_per_16_channels_by_default()
    {
        using var dir = new TempDirectory();
        ShapesDatasetWriter.Write(dir.Combine("data"), new ShapesDatasetOptions(Seed: 3, NumTrain: 4, NumEval: 0, ImageSize: 96));

        var (exitCode, stdout, stderr) = TrainingHost.Run(["init", dir.Combine("init"), "--corpus", dir.Combine("data", "stage1_train.json"),
            "--dims", "32,48,64,128", "--depths", "1,1,2,1"]);

        Assert.True(exitCode == 0, stdout + stderr);
        var vision = JsonNode.Parse(File.ReadAllText(dir.Combine("init", "vision_tower", "config.json")))!["vision_config"]!;
        Assert.Equal([32, 48, 64, 128], vision["dim_embed"]!.AsArray().Select(n => n!.GetValue<int>()));
        Assert.Equal([1, 1, 2, 1], vision["depths"]!.AsArray().Select(n => n!.GetValue<int>()));
        Assert.Equal([2, 3, 4, 8], vision["num_heads"]!.AsArray().Select(n => n!.GetValue<int>()));
        Assert.Contains("vision_tower.vision_tower.blocks.2.1.", SafetensorsHeader(dir.Combine("init", "model.safetensors")));
    }

    [Theory]
    [InlineData("--dims", "32,48,64", "one value per DaViT stage")]
    [InlineData("--depths", "1,1,x,1", "positive integers")]
    public void Tower_sizes_that_do_not_fit_are_refused_with_usage(string option, string value, string message)
    {
        using var dir = new TempDirectory();
        var (exitCode, _, stderr) = TrainingHost.Run(["init", dir.Combine("init"), "--corpus", "unused.json", option, value]);

        Assert.Equal(2, exitCode);
        Assert.Contains(message, stderr);
    }

    private static string SafetensorsHeader(string path)
    {
        using var stream = File.OpenRead(path);
        var length = new byte[8];
        stream.ReadExactly(length);
        var header = new byte[BitConverter.ToInt64(length)];
        stream.ReadExactly(header);
        return System.Text.Encoding.UTF8.GetString(header);
    }
}
