using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Modeling;
using FlorenceVL.Engine.Weights;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Tests.Weights;

/// <summary>
/// The full-size random checkpoint writer: what it writes for the released presets is exactly the reference's table of
/// names and shapes, its config files read back as the same architecture, and a small one it writes loads and serves.
/// </summary>
public class RandomCheckpointTests
{
    [Theory]
    [InlineData("florence-vl-3b.json", "llava_phi")]
    [InlineData("florence-vl-8b.json", "llava_llama")]
    public void The_released_tensor_list_is_the_reference_table(string file, string modelType)
    {
        var table = ReleasedLayoutTable.Read(file);
        var config = modelType == "llava_phi" ? ModelPresets.FlorenceVL3B : ModelPresets.FlorenceVL8B;

        var written = ReleasedTensorList.For(config).ToDictionary(t => t.Name, t => t.Shape);

        Assert.Equal(table.Tensors.Keys.Order(StringComparer.Ordinal), written.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, shape) in table.Tensors) Assert.True(shape.SequenceEqual(written[name]), name);
    }

    [Theory]
    [InlineData("llava_phi")]
    [InlineData("llava_llama")]
    public void The_config_files_read_back_as_the_same_architecture(string modelType)
    {
        var preset = modelType == "llava_phi" ? ModelPresets.FlorenceVL3B : ModelPresets.FlorenceVL8B;
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("vision_tower"));
        File.WriteAllText(dir.File("config.json"), ConfigJson.Model(preset).ToJsonString());
        File.WriteAllText(Path.Combine(dir.Path, "vision_tower", "config.json"), ConfigJson.VisionTower(preset.Vision).ToJsonString());

        var read = FlorenceVLConfig.FromModelDirectory(dir.Path);

        Assert.Equal(preset.ModelType, read.ModelType);
        Assert.Equal(preset.ImageSize, read.ImageSize);
        Assert.Equal(preset.Projector, read.Projector);
        Assert.Equal(preset.Text with { RopeScaling = null, EosTokenIds = [] }, read.Text with { RopeScaling = null, EosTokenIds = [] });
        Assert.Equal(preset.Text.EosTokenIds, read.Text.EosTokenIds);
        Assert.Equal(preset.Text.RopeScaling!.Type, read.Text.RopeScaling!.Type);
        Assert.Equal(preset.Vision.DaViT.DimEmbed, read.Vision.DaViT.DimEmbed);
        Assert.Equal(preset.Vision.DaViT.Depths, read.Vision.DaViT.Depths);
        Assert.Equal(preset.Vision.Encoder, read.Vision.Encoder);
        Assert.Equal(576, read.NumVisualTokens);
    }

    [Fact]
    public void A_small_random_checkpoint_is_sharded_and_loads_with_nothing_missing()
    {
        var tiny = FlorenceVL.Tests.Shared.Repository.Path("models", "florence-vl-tiny");
        var config = FlorenceVLConfig.FromModelDirectory(tiny);
        using var dir = new TempDirectory();

        var files = RandomCheckpoint.Write(config, dir.Path, tiny, ScalarType.BFloat16, maxShardBytes: 4L << 20, seed: 7);

        Assert.True(files.Count >= 2, $"{files.Count} shard(s)");
        var (model, report) = FlorenceVLModelLoader.Load(dir.Path, ModelPlacement.CpuFloat32);
        using (model)
        {
            Assert.Empty(report.Unexpected);
            var state = model.state_dict();
            Assert.True(state["language_model.model.norm.weight"].eq(1).all().item<bool>());
            var std = state["language_model.model.layers.0.mlp.down_proj.weight"].std().item<float>();
            Assert.InRange(std, 0.015f, 0.025f);
        }
        Assert.True(CheckpointInspector.Inspect(dir.Path, ScalarType.BFloat16).CanServe);
    }
}
