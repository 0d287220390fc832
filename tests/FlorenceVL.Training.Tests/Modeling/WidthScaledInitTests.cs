using FlorenceVL.Engine.Modeling;
using FlorenceVL.Training.Modeling;
using FlorenceVL.Training.Tests.Support;
using Xunit;

namespace FlorenceVL.Training.Tests.Modeling;

public sealed class WidthScaledInitTests(MicroSetup setup) : IClassFixture<MicroSetup>
{
    [Fact]
    public void A_new_tiny_model_has_width_scaled_decoder_and_projector_weights_and_a_Florence2_style_tower()
    {
        var loaded = LoadedModel.Load(setup.ModelDirectory, ModelPlacement.CpuFloat32);
        using var model = loaded.Model;
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        double Std(string name) => parameters[name].std().item<float>();
        var hidden = MicroSetup.Spec.HiddenSize;
        var residualScale = 1 / Math.Sqrt(2.0 * MicroSetup.Spec.NumLayers);

        AssertNear(1 / Math.Sqrt(hidden), Std("language_model.model.layers.0.self_attn.qkv_proj.weight"));
        AssertNear(residualScale / Math.Sqrt(hidden), Std("language_model.model.layers.0.self_attn.o_proj.weight"));
        AssertNear(residualScale / Math.Sqrt(MicroSetup.Spec.IntermediateSize), Std("language_model.model.layers.1.mlp.down_proj.weight"));
        AssertNear(1 / Math.Sqrt(hidden), Std("language_model.lm_head.weight"));
        AssertNear(WidthScaledInit.TokenEmbeddingStd, Std("language_model.model.embed_tokens.weight"));
        AssertNear(1 / Math.Sqrt(parameters["mm_projector.layers.0.weight"].shape[1]), Std("mm_projector.layers.0.weight"));
        AssertNear(WidthScaledInit.TowerStd, Std("vision_tower.encoder.layers.0.fc1.weight"));
        AssertNear(WidthScaledInit.ImagePositionStd, Std("vision_tower.image_pos_embed.row_embeddings.weight"));
        Assert.Equal(0f, parameters["mm_projector.layers.0.bias"].abs().max().item<float>());
    }

    [Fact]
    public void Tower_fan_in_scales_the_towers_matrices_by_their_inputs_and_keeps_its_position_table_and_embeddings()
    {
        using var data = new TempDirectory();
        var spec = MicroSetup.Spec with { TowerFanInInit = true };
        TinyModelFactory.Create(data.Path, spec, ["A B C"], seed: 5, maxMerges: 10);
        using var model = LoadedModel.Load(data.Path, ModelPlacement.CpuFloat32).Model;
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        double Std(string name) => parameters[name].std().item<float>();

        AssertNear(1 / Math.Sqrt(3 * 7 * 7), Std("vision_tower.davit.convs.0.proj.weight"));                 // [C, 3, 7, 7]
        AssertNear(1 / Math.Sqrt(9), Std("vision_tower.davit.blocks.0.0.spatial_block.conv1.fn.dw.weight"));   // depthwise [C, 1, 3, 3]
        AssertNear(1 / Math.Sqrt(spec.EncoderDim), Std("vision_tower.encoder.layers.0.fc1.weight"));
        var projection = parameters["vision_tower.image_projection"];                                          // [in, out]
        AssertNear(1 / Math.Sqrt(projection.shape[0]), Std("vision_tower.image_projection"));
        AssertNear(WidthScaledInit.ImagePositionStd, Std("vision_tower.image_pos_embed.row_embeddings.weight"));
        AssertNear(WidthScaledInit.TowerStd, Std("vision_tower.shared.weight"));
    }

    private static void AssertNear(double expected, double actual) =>
        Assert.InRange(actual, expected * 0.8, expected * 1.2);
}
