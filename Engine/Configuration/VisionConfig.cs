using System.Text.Json.Nodes;

namespace FlorenceVL.Engine.Configuration;

/// <summary>The DaViT image backbone of Florence-2 (original remote-code <c>vision_config</c>).</summary>
public sealed record DaViTConfig(
    IReadOnlyList<int> DimEmbed,
    IReadOnlyList<int> NumHeads,
    IReadOnlyList<int> NumGroups,
    IReadOnlyList<int> Depths,
    IReadOnlyList<int> PatchSize,
    IReadOnlyList<int> PatchStride,
    IReadOnlyList<int> PatchPadding,
    IReadOnlyList<bool> PatchPrenorm,
    int WindowSize,
    double MlpRatio = 4.0)
{
    public int NumStages => DimEmbed.Count;
    public int OutputDim => DimEmbed[^1];

    /// <summary>Side of the final feature grid for a square input of <paramref name="imageSize"/> pixels.</summary>
    public int GridSize(int imageSize)
    {
        var size = imageSize;
        for (var stage = 0; stage < NumStages; stage++)
            size = (size + 2 * PatchPadding[stage] - PatchSize[stage]) / PatchStride[stage] + 1;
        return size;
    }

    public void Validate()
    {
        var stages = DimEmbed.Count;
        if (stages == 0 || new[] { NumHeads.Count, NumGroups.Count, Depths.Count, PatchSize.Count, PatchStride.Count, PatchPadding.Count, PatchPrenorm.Count }.Any(n => n != stages))
            throw new ModelConfigException("vision_config: dim_embed, num_heads, num_groups, depths and patch_* must have one entry per stage.");
        for (var i = 0; i < stages; i++)
            if (DimEmbed[i] % NumHeads[i] != 0 || DimEmbed[i] % NumGroups[i] != 0)
                throw new ModelConfigException($"vision_config: stage {i} dim {DimEmbed[i]} is not divisible by its heads/groups.");
        if (WindowSize <= 0) throw new ModelConfigException("vision_config: window_size must be positive.");
    }
}

/// <summary>The BART-style Florence-2 encoder (original remote-code <c>text_config</c>); only the encoder is used.</summary>
public sealed record Florence2EncoderConfig(
    int VocabSize,
    int DModel,
    int EncoderLayers,
    int EncoderAttentionHeads,
    int EncoderFfnDim,
    int MaxPositionEmbeddings,
    int PadTokenId,
    double LayerNormEps = 1e-5)
{
    /// <summary>BART's learned positions start at index 2 (a fairseq legacy the checkpoints keep).</summary>
    public const int PositionOffset = 2;
    public int HeadDim => DModel / EncoderAttentionHeads;
}

/// <summary>
/// The Florence-2 vision tower as Florence-VL uses it: DaViT, image projection with position embeddings, and the encoder
/// run once per task prompt. Parsed from the vision tower's own <c>config.json</c>.
/// </summary>
public sealed record VisionTowerConfig(
    DaViTConfig DaViT,
    Florence2EncoderConfig Encoder,
    int ProjectionDim,
    int MaxPositionEmbeddings2D,
    int MaxTemporalEmbeddings,
    TaskPrompts Prompts)
{
    public static VisionTowerConfig FromJson(JsonObject json, string source)
    {
        var root = new JsonFieldReader(json, source);
        var vision = new JsonFieldReader(root.Object("vision_config"), source + " vision_config");
        var text = new JsonFieldReader(root.Object("text_config"), source + " text_config");
        var davit = new DaViTConfig(
            vision.IntList("dim_embed"), vision.IntList("num_heads"), vision.IntList("num_groups"), vision.IntList("depths"),
            vision.IntList("patch_size"), vision.IntList("patch_stride"), vision.IntList("patch_padding"),
            vision.OptionalBoolList("patch_prenorm") ?? throw new ModelConfigException($"{source}: vision_config.patch_prenorm is missing."),
            vision.Int("window_size"));
        davit.Validate();
        var encoder = new Florence2EncoderConfig(
            text.Int("vocab_size"), text.Int("d_model"), text.Int("encoder_layers"), text.Int("encoder_attention_heads"),
            text.Int("encoder_ffn_dim"), text.Int("max_position_embeddings"), text.OptionalInt("pad_token_id") ?? 1);
        var positions = root.Object("vision_config")["image_pos_embed"] as JsonObject;
        var temporal = root.Object("vision_config")["visual_temporal_embedding"] as JsonObject;
        return new VisionTowerConfig(
            davit,
            encoder,
            vision.OptionalInt("projection_dim") ?? root.OptionalInt("projection_dim") ?? encoder.DModel,
            positions is null ? 50 : new JsonFieldReader(positions, "image_pos_embed").OptionalInt("max_pos_embeddings") ?? 50,
            temporal is null ? 100 : new JsonFieldReader(temporal, "visual_temporal_embedding").OptionalInt("max_temporal_embeddings") ?? 100,
            TaskPrompts.FromJson(json["florencevl_task_prompts"] as JsonObject) ?? TaskPrompts.FlorenceVL);
    }
}
