using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Modeling;
using FlorenceVL.Engine.Weights;

namespace FlorenceVL.Engine.Tests.Modeling;

/// <summary>
/// The 3B model built on the meta device, its module names written back in the released layout by ReleasedNames (the
/// names the training host writes checkpoints in). What the released checkpoints themselves hold, 8B included, is
/// checked against a table written from the reference in Weights/ReleasedCheckpointLoadTests: deriving "released"
/// names from our own modules could only agree with itself, and it missed that Florence-VL-8B did not load.
/// </summary>
public class ReleasedModelLayoutTests
{
    private static Dictionary<string, long[]> ReleasedShapes(FlorenceVLConfig config)
    {
        using var model = new FlorenceVLModel(config, ModelPlacement.Meta);
        return model.state_dict().ToDictionary(p => ReleasedNames.FromModuleName(p.Key), p => p.Value.shape);
    }

    [Fact]
    public void Florence_VL_3B_has_the_released_names_shapes_and_size()
    {
        var shapes = ReleasedShapes(ModelPresets.FlorenceVL3B);

        Assert.Equal([256L, 3, 7, 7], shapes["model.vision_tower.vision_tower.vision_tower.convs.0.proj.weight"]);
        Assert.Equal([2048L, 1024], shapes["model.vision_tower.vision_tower.image_projection"]);
        Assert.Equal([4096L, 1024], shapes["model.vision_tower.vision_tower.language_model.model.encoder.layers.11.fc1.weight"]);
        Assert.Equal([51289L, 1024], shapes["model.vision_tower.vision_tower.language_model.model.shared.weight"]);
        Assert.Equal([3072L, 4096], shapes["model.mm_projector.encoder_mlp.0.weight"]);
        Assert.Equal([3072L, 3072], shapes["model.mm_projector.encoder_mlp.2.1.weight"]);
        Assert.Equal([9216L, 3072], shapes["model.layers.31.self_attn.qkv_proj.weight"]);
        Assert.Equal([32064L, 3072], shapes["lm_head.weight"]);
        // Phi-3.5-mini 3,821,079,552 (measured with the reference) + Florence-2-large tower without its decoder
        // 570,706,944 + projector 4096*3072 + 2*3072*3072 + 3*3072 = 31,466,496.
        Assert.Equal(3_821_079_552L + 570_706_944L + 31_466_496L, shapes.Values.Sum(s => s.Aggregate(1L, (a, b) => a * b)));
    }

    [Fact]
    public void Every_released_name_maps_back_to_the_module_it_came_from()
    {
        using var model = new FlorenceVLModel(ModelPresets.FlorenceVL3B, ModelPlacement.Meta);
        var layout = WeightLayouts.ReleasedFlorenceVL(packLlama: false);
        foreach (var name in model.state_dict().Keys)
            Assert.Equal(name, layout.ToInternal(ReleasedNames.FromModuleName(name)));
    }
}
