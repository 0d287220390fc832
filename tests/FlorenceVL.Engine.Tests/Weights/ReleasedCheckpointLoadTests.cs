using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Modeling;

namespace FlorenceVL.Engine.Tests.Weights;

/// <summary>
/// Every tensor of the released Florence-VL-3B (llava_phi) and -8B (llava_llama) checkpoints, named and shaped as the
/// reference names them (Fixtures/released-layouts), goes through the server's loader onto the meta-device model:
/// nothing missing, nothing unexpected, every shape right, through a sharded index. Only the Florence-2 parts that
/// Florence-VL never runs are skipped.
/// </summary>
public class ReleasedCheckpointLoadTests
{
    public static TheoryData<string, string> Models => new()
    {
        { "florence-vl-3b.json", "llava_phi" },
        { "florence-vl-8b.json", "llava_llama" },
    };

    private static FlorenceVLConfig Preset(string modelType) =>
        modelType == "llava_phi" ? ModelPresets.FlorenceVL3B : ModelPresets.FlorenceVL8B;

    /// <summary>Florence-2's text decoder, its head, the tied copy of the shared embedding and a recomputed buffer.</summary>
    private static bool UnusedByFlorenceVL(string name) =>
        name.Contains(".language_model.model.decoder.", StringComparison.Ordinal)
        || name.EndsWith(".language_model.lm_head.weight", StringComparison.Ordinal)
        || name.EndsWith(".language_model.model.encoder.embed_tokens.weight", StringComparison.Ordinal)
        || name.EndsWith(".visual_temporal_embed.pos_idx_to_embed", StringComparison.Ordinal);

    [Theory]
    [MemberData(nameof(Models))]
    public void The_table_matches_the_published_parameter_count(string file, string modelType)
    {
        var table = ReleasedLayoutTable.Read(file);

        Assert.Equal(modelType, table.ModelType);
        // The Hub card rounds to two decimals of a billion.
        Assert.InRange(table.TotalElements, table.HubCardParameters - 0.01e9, table.HubCardParameters + 0.01e9);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Every_released_tensor_maps_onto_the_model_through_a_sharded_index(string file, string modelType)
    {
        var table = ReleasedLayoutTable.Read(file);
        using var dir = new TempDirectory();
        table.WriteSparseShards(dir.Path, shards: 2);

        var (model, report) = FlorenceVLModelLoader.Load(Preset(modelType), dir.Path, ModelPlacement.Meta);
        using (model)
        {
            Assert.Empty(report.Unexpected);
            Assert.Equal(table.Tensors.Keys.Where(UnusedByFlorenceVL).Order(StringComparer.Ordinal), report.Ignored.Order(StringComparer.Ordinal));
            Assert.Equal(model.state_dict().Count, report.NumLoaded);
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void A_released_tensor_of_the_wrong_shape_is_named(string file, string modelType)
    {
        var table = ReleasedLayoutTable.Read(file);
        var tensors = table.Tensors.ToDictionary();
        tensors["model.layers.3.post_attention_layernorm.weight"] = [7];
        using var dir = new TempDirectory();
        (table with { Tensors = tensors }).WriteSparseShards(dir.Path, shards: 2);

        var error = Assert.Throws<FlorenceVL.Engine.Weights.CheckpointException>(
            () => FlorenceVLModelLoader.Load(Preset(modelType), dir.Path, ModelPlacement.Meta));

        Assert.Contains("model.layers.3.post_attention_layernorm.weight", error.Message);
        Assert.Contains("[7]", error.Message);
    }
}
