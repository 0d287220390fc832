using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Modeling;
using FlorenceVL.Engine.Modeling.ImageEncoder;
using FlorenceVL.Engine.Modeling.Projector;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Tests.Modeling;

/// <summary>The real Florence-2-large tower and Florence-VL projectors, built on the meta device (no weights allocated).</summary>
public sealed class VisionTowerLayoutTests
{
    private static readonly VisionTowerConfig Florence2Large = ModelPresets.Florence2Large;

    /// <summary>
    /// DaViT 360,632,320 + image projection/norm/2D positions 2,201,600 + encoder 155,353,088 + shared 52,519,936.
    /// Cross-checks: DaViT matches the Florence-2 paper's 360M image encoder, and adding the 12-layer decoder
    /// (205,758,464) gives 776,465,408, the published 0.77B of Florence-2-large.
    /// </summary>
    private const long Florence2LargeTowerParameters = 570_706_944;

    [Fact]
    public void Florence2_large_tower_has_the_released_parameter_names_and_shapes()
    {
        Runtime.TorchRuntime.EnsureLoadable();
        using var tower = new Florence2VisionTower(Florence2Large, ModelPlacement.Meta);
        var shapes = tower.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        var expected = new Dictionary<string, long[]>
        {
            ["davit.convs.0.proj.weight"] = [256, 3, 7, 7],
            ["davit.convs.0.norm.weight"] = [256],
            ["davit.convs.1.norm.weight"] = [256],
            ["davit.convs.3.proj.weight"] = [2048, 1024, 3, 3],
            ["davit.blocks.0.0.spatial_block.conv1.fn.dw.weight"] = [256, 1, 3, 3],
            ["davit.blocks.2.8.spatial_block.window_attn.norm.weight"] = [1024],
            ["davit.blocks.2.8.spatial_block.window_attn.fn.qkv.weight"] = [3072, 1024],
            ["davit.blocks.2.8.channel_block.channel_attn.fn.proj.bias"] = [1024],
            ["davit.blocks.2.8.channel_block.conv2.fn.dw.bias"] = [1024],
            ["davit.blocks.2.8.channel_block.ffn.fn.net.fc1.weight"] = [4096, 1024],
            ["davit.blocks.3.0.channel_block.ffn.fn.net.fc2.weight"] = [2048, 8192],
            ["image_projection"] = [2048, 1024],
            ["image_proj_norm.weight"] = [1024],
            ["image_pos_embed.row_embeddings.weight"] = [50, 1024],
            ["image_pos_embed.column_embeddings.weight"] = [50, 1024],
            ["encoder.embed_positions.weight"] = [4098, 1024],
            ["encoder.layernorm_embedding.bias"] = [1024],
            ["encoder.layers.11.self_attn.out_proj.weight"] = [1024, 1024],
            ["encoder.layers.11.fc1.weight"] = [4096, 1024],
            ["encoder.layers.11.final_layer_norm.weight"] = [1024],
            ["shared.weight"] = [51289, 1024],
        };
        Assert.All(expected, pair => Assert.Equal(pair.Value, Assert.Contains(pair.Key, shapes)));
        Assert.DoesNotContain("davit.blocks.2.9.spatial_block.conv1.fn.dw.weight", shapes.Keys);
        Assert.DoesNotContain(tower.state_dict().Keys, name => name.Contains("temporal", StringComparison.Ordinal));
        Assert.Equal(Florence2LargeTowerParameters, shapes.Values.Sum(shape => shape.Aggregate(1L, (a, b) => a * b)));
    }

    [Fact]
    public void A_768_pixel_image_becomes_576_fused_tokens_of_four_feature_widths()
    {
        Runtime.TorchRuntime.EnsureLoadable();
        // libtorch has no meta kernel for convolution, so this runs the tiny fixture's tower (random weights) on the CPU.
        var tiny = TinyFixtureTower();
        var config = tiny with { Encoder = tiny.Encoder with { MaxPositionEmbeddings = 1024 } }; // 591 encoder tokens need more than 128
        using var tower = new Florence2VisionTower(config, ModelPlacement.CpuFloat32);
        using var noGrad = no_grad();
        using var pixels = randn(1, 3, 768, 768);
        using var imageFeatures = tower.ImageFeatures(pixels);
        using var encoded = tower.EncodeTask(imageFeatures, 1);
        using var fused = tower.FusedFeatures(pixels);
        var d = config.Encoder.DModel;
        Assert.Equal([1L, 1 + 576, d], imageFeatures.shape);
        Assert.Equal([1L, 1 + 576 + config.Prompts.Length, d], encoded.shape);
        Assert.Equal([1L, DBFusion.NumVisualTokens(config.DaViT.GridSize(768)), (1 + config.Prompts.Count) * d], fused.shape);
        Assert.Equal(576, DBFusion.NumVisualTokens(config.DaViT.GridSize(768)));
    }

    [Fact]
    public void Encoder_rejects_an_input_longer_than_its_learned_positions()
    {
        Runtime.TorchRuntime.EnsureLoadable();
        using var tower = new Florence2VisionTower(TinyFixtureTower(), ModelPlacement.CpuFloat32); // max_position_embeddings 128
        using var noGrad = no_grad();
        using var imageFeatures = zeros(1, 1 + 12 * 12, 16);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => tower.EncodeTask(imageFeatures, 0));
        Assert.Contains("159 tokens but max_position_embeddings is 128", error.Message);
    }

    private static VisionTowerConfig TinyFixtureTower()
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "Fixtures", "florence-vl-tiny", "vision_tower");
        return VisionTowerConfig.FromJson(FlorenceVLConfig.ReadJson(Path.Combine(directory, "config.json")), directory);
    }

    [Theory]
    [InlineData(3072)] // Florence-VL 3B (Phi-3.5-mini)
    [InlineData(4096)] // Florence-VL 8B (Llama-3.1-8B)
    public void Mlp3x_gelu_projector_maps_fused_features_to_the_llm_width(int hiddenSize)
    {
        Runtime.TorchRuntime.EnsureLoadable();
        using var projector = new FusionProjector(new ProjectorConfig("mlp3x_gelu", 1024, 4, hiddenSize), ModelPlacement.Meta);
        var shapes = projector.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        Assert.Equal(["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias", "layers.2.weight", "layers.2.bias"], shapes.Keys);
        Assert.Equal([hiddenSize, 4096L], shapes["layers.0.weight"]);
        Assert.Equal([hiddenSize, (long)hiddenSize], shapes["layers.2.weight"]);
    }
}
