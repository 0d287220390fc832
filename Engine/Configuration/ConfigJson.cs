using System.Text.Json.Nodes;

namespace FlorenceVL.Engine.Configuration;

/// <summary>
/// A <see cref="FlorenceVLConfig"/> written back as the two files a released checkpoint folder carries: the LLaVA
/// <c>config.json</c> (HF Phi-3 or Llama fields plus the mm_* fields) and the Florence-2 tower's
/// <c>vision_tower/config.json</c> in the original remote-code format. Reading them back gives the same config.
/// </summary>
public static class ConfigJson
{
    public static JsonObject Model(FlorenceVLConfig config)
    {
        var text = config.Text;
        var json = new JsonObject
        {
            ["architectures"] = new JsonArray(config.ModelType == "llava_llama" ? "LlavaLlamaForCausalLM" : "LlavaPhiForCausalLM"),
            ["model_type"] = config.ModelType,
            ["vocab_size"] = text.VocabSize,
            ["hidden_size"] = text.HiddenSize,
            ["intermediate_size"] = text.IntermediateSize,
            ["num_hidden_layers"] = text.NumHiddenLayers,
            ["num_attention_heads"] = text.NumAttentionHeads,
            ["num_key_value_heads"] = text.NumKeyValueHeads,
            ["head_dim"] = text.HeadDim,
            ["hidden_act"] = "silu",
            ["max_position_embeddings"] = text.MaxPositionEmbeddings,
            ["original_max_position_embeddings"] = text.OriginalMaxPositionEmbeddings,
            ["rope_theta"] = text.RopeTheta,
            ["rms_norm_eps"] = text.RmsNormEps,
            ["bos_token_id"] = text.BosTokenId,
            ["eos_token_id"] = text.EosTokenIds.Count == 1 ? text.EosTokenIds[0] : new JsonArray(text.EosTokenIds.Select(i => (JsonNode?)i).ToArray()),
            ["pad_token_id"] = text.PadTokenId,
            ["tie_word_embeddings"] = text.TieWordEmbeddings,
            ["mm_hidden_size"] = config.Projector.MmHiddenSize,
            ["mm_projector_type"] = config.Projector.ProjectorType,
            ["mm_vision_tower"] = "vision_tower",
            ["image_aspect_ratio"] = "pad",
            ["mm_patch_merge_type"] = "flat",
            ["mm_use_im_start_end"] = false,
            ["mm_use_im_patch_token"] = false,
            ["tokenizer_model_max_length"] = 2048,
            ["image_size"] = config.ImageSize,
        };
        if (text.RopeScaling is { } scaling) json["rope_scaling"] = RopeScaling(scaling);
        return json;
    }

    public static JsonObject VisionTower(VisionTowerConfig vision)
    {
        var davit = vision.DaViT;
        var encoder = vision.Encoder;
        return new JsonObject
        {
            ["architectures"] = new JsonArray("Florence2ForConditionalGeneration"),
            ["model_type"] = "florence2",
            ["projection_dim"] = vision.ProjectionDim,
            ["vocab_size"] = encoder.VocabSize,
            ["text_config"] = new JsonObject
            {
                ["model_type"] = "bart",
                ["vocab_size"] = encoder.VocabSize,
                ["d_model"] = encoder.DModel,
                ["encoder_layers"] = encoder.EncoderLayers,
                ["decoder_layers"] = encoder.EncoderLayers,
                ["encoder_attention_heads"] = encoder.EncoderAttentionHeads,
                ["decoder_attention_heads"] = encoder.EncoderAttentionHeads,
                ["encoder_ffn_dim"] = encoder.EncoderFfnDim,
                ["decoder_ffn_dim"] = encoder.EncoderFfnDim,
                ["max_position_embeddings"] = encoder.MaxPositionEmbeddings,
                ["activation_function"] = "gelu",
                ["scale_embedding"] = false,
                ["pad_token_id"] = encoder.PadTokenId,
            },
            ["vision_config"] = new JsonObject
            {
                ["model_type"] = "davit",
                ["dim_embed"] = Ints(davit.DimEmbed),
                ["num_heads"] = Ints(davit.NumHeads),
                ["num_groups"] = Ints(davit.NumGroups),
                ["depths"] = Ints(davit.Depths),
                ["patch_size"] = Ints(davit.PatchSize),
                ["patch_stride"] = Ints(davit.PatchStride),
                ["patch_padding"] = Ints(davit.PatchPadding),
                ["patch_prenorm"] = new JsonArray(davit.PatchPrenorm.Select(b => (JsonNode?)b).ToArray()),
                ["window_size"] = davit.WindowSize,
                ["projection_dim"] = vision.ProjectionDim,
                ["visual_temporal_embedding"] = new JsonObject { ["type"] = "COSINE", ["max_temporal_embeddings"] = vision.MaxTemporalEmbeddings },
                ["image_pos_embed"] = new JsonObject { ["type"] = "learned_abs_2d", ["max_pos_embeddings"] = vision.MaxPositionEmbeddings2D },
                ["image_feature_source"] = new JsonArray("spatial_avg_pool", "temporal_avg_pool"),
            },
        };
    }

    private static JsonObject RopeScaling(RopeScaling scaling) => scaling.Type == "longrope"
        ? new JsonObject
        {
            ["type"] = "longrope",
            ["short_factor"] = Doubles(scaling.ShortFactor ?? []),
            ["long_factor"] = Doubles(scaling.LongFactor ?? []),
        }
        : new JsonObject
        {
            ["rope_type"] = scaling.Type,
            ["factor"] = scaling.Factor,
            ["low_freq_factor"] = scaling.LowFreqFactor,
            ["high_freq_factor"] = scaling.HighFreqFactor,
            ["original_max_position_embeddings"] = scaling.OriginalMaxPositionEmbeddings,
        };

    private static JsonArray Ints(IEnumerable<int> values) => new(values.Select(v => (JsonNode?)v).ToArray());
    private static JsonArray Doubles(IEnumerable<double> values) => new(values.Select(v => (JsonNode?)v).ToArray());
}
