using System.Text.Json.Nodes;

namespace FlorenceVL.Training.Modeling;

/// <summary>
/// The sizes of a tiny Florence-VL: the real architecture (DaViT, Florence-2 encoder with the three task prompts,
/// mlp3x_gelu projector, Phi-3 decoder), small enough to train on two CPU cores. The BART embedding keeps its
/// 51289 rows so the real task-prompt ids stay valid; that table dominates the size (51289 x EncoderDim).
/// LastStride 1 keeps DaViT's last stage at the third stage's grid (10x10 visual tokens at 160 pixels instead of 5x5),
/// so a written word's letters fall on more tokens: each 32-pixel token of the 5x5 grid held two or three capitals.
/// </summary>
public sealed record TinyModelSpec(
    int ImageSize = 160,
    int[]? DaViTDims = null,
    int[]? DaViTHeads = null,
    int[]? DaViTDepths = null,
    int WindowSize = 4,
    int EncoderDim = 48,
    int EncoderLayers = 2,
    int EncoderHeads = 4,
    int EncoderFfnDim = 192,
    int HiddenSize = 192,
    int NumLayers = 3,
    int NumHeads = 6,
    int IntermediateSize = 512,
    int MaxPositions = 512,
    int LastStride = 2,
    bool TowerFanInInit = false)
{
    public const int BartVocabSize = 51289;

    public int[] Dims => DaViTDims ?? [32, 48, 64, 96];
    public int[] Heads => DaViTHeads ?? [2, 3, 4, 6];
    public int[] Depths => DaViTDepths ?? [1, 1, 1, 1];

    public JsonObject VisionTowerConfig() => new()
    {
        ["architectures"] = new JsonArray("Florence2ForConditionalGeneration"),
        ["model_type"] = "florence2",
        ["bos_token_id"] = 0,
        ["eos_token_id"] = 2,
        ["pad_token_id"] = 1,
        ["projection_dim"] = EncoderDim,
        ["vocab_size"] = BartVocabSize,
        ["is_encoder_decoder"] = true,
        ["text_config"] = new JsonObject
        {
            ["vocab_size"] = BartVocabSize,
            ["d_model"] = EncoderDim,
            ["encoder_layers"] = EncoderLayers,
            ["decoder_layers"] = 1,
            ["encoder_attention_heads"] = EncoderHeads,
            ["decoder_attention_heads"] = EncoderHeads,
            ["encoder_ffn_dim"] = EncoderFfnDim,
            ["decoder_ffn_dim"] = EncoderFfnDim,
            ["max_position_embeddings"] = 128,
            ["activation_function"] = "gelu",
            ["scale_embedding"] = false,
            ["pad_token_id"] = 1,
            ["bos_token_id"] = 0,
            ["eos_token_id"] = 2,
            ["model_type"] = "bart",
        },
        ["vision_config"] = new JsonObject
        {
            ["model_type"] = "davit",
            ["patch_size"] = Ints(7, 3, 3, 3),
            ["patch_stride"] = Ints(4, 2, 2, LastStride),
            ["patch_padding"] = Ints(3, 1, 1, 1),
            ["patch_prenorm"] = new JsonArray(false, true, true, true),
            ["dim_embed"] = Ints(Dims),
            ["num_heads"] = Ints(Heads),
            ["num_groups"] = Ints(Heads),
            ["depths"] = Ints(Depths),
            ["window_size"] = WindowSize,
            ["projection_dim"] = EncoderDim,
            ["visual_temporal_embedding"] = new JsonObject { ["type"] = "COSINE", ["max_temporal_embeddings"] = 100 },
            ["image_pos_embed"] = new JsonObject { ["type"] = "learned_abs_2d", ["max_pos_embeddings"] = 50 },
            ["image_feature_source"] = new JsonArray("spatial_avg_pool", "temporal_avg_pool"),
        },
    };

    /// <summary>The LLaVA config.json of a llava_phi model with this decoder; the tokenizer decides vocabulary and special ids.</summary>
    public JsonObject ModelConfig(int vocabSize, int endOfTextId, int endOfTurnId) => new()
    {
        ["architectures"] = new JsonArray("LlavaPhiForCausalLM"),
        ["model_type"] = "llava_phi",
        ["vocab_size"] = vocabSize,
        ["hidden_size"] = HiddenSize,
        ["intermediate_size"] = IntermediateSize,
        ["num_hidden_layers"] = NumLayers,
        ["num_attention_heads"] = NumHeads,
        ["num_key_value_heads"] = NumHeads,
        ["hidden_act"] = "silu",
        ["max_position_embeddings"] = MaxPositions,
        ["original_max_position_embeddings"] = MaxPositions,
        ["rope_theta"] = 10000.0,
        ["rms_norm_eps"] = 1e-5,
        ["eos_token_id"] = Ints(endOfTextId, endOfTurnId),
        ["pad_token_id"] = endOfTextId,
        ["tie_word_embeddings"] = false,
        ["mm_hidden_size"] = EncoderDim,
        ["mm_projector_type"] = "mlp3x_gelu",
        ["mm_vision_tower"] = "vision_tower",
        ["image_aspect_ratio"] = "pad",
        ["mm_patch_merge_type"] = "flat",
        ["mm_use_im_start_end"] = false,
        ["mm_use_im_patch_token"] = false,
        ["tokenizer_model_max_length"] = MaxPositions,
        ["image_size"] = ImageSize,
    };

    private static JsonArray Ints(params int[] values) => new(values.Select(v => (JsonNode)v).ToArray());
}
