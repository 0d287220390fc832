namespace FlorenceVL.Engine.Weights;

/// <summary>
/// The checkpoint formats this project reads. Module names (the "internal" side) follow the released Florence-VL layout
/// with its wrapper prefixes removed:
/// <code>
///   released (LLaVA convention)                                  module tree of FlorenceVLModel
///   model.embed_tokens / model.layers.N / model.norm, lm_head     language_model.model.* , language_model.lm_head
///   model.mm_projector.encoder_mlp.0 / .K.1 (GELU at .K.0)        mm_projector.layers.0 / .K
///   model.vision_tower.vision_tower.vision_tower.*  (DaViT)       vision_tower.davit.*        (original Florence-2 names)
///   model.vision_tower.vision_tower.language_model.model.encoder  vision_tower.encoder.*
///   model.vision_tower.vision_tower.language_model.model.shared   vision_tower.shared
///   model.vision_tower.vision_tower.{image_projection, ...}       vision_tower.{image_projection, ...}
/// </code>
/// </summary>
public static class WeightLayouts
{
    private const string Tower = @"^model\.vision_tower\.vision_tower\.";

    /// <summary>Tensors that exist in released checkpoints but that Florence-VL never uses.</summary>
    private static readonly string[] UnusedFlorence2 =
    [
        @"language_model\.model\.decoder\.",         // Florence-2's text decoder: Florence-VL only runs the encoder
        @"language_model\.lm_head\.",                // its output head (tied to shared)
        @"language_model\.final_logits_bias$",
        @"language_model\.model\.encoder\.embed_tokens\.", // tied copy of shared
        @"visual_temporal_embed\.pos_idx_to_embed$", // a deterministic buffer, recomputed
    ];

    /// <summary>Rotary frequency buffers older HF exports saved: recomputed from the config. Decoder names only.</summary>
    private static readonly string[] UnusedDecoder = [@"^model\.(layers\.\d+\.self_attn\.)?rotary_emb\.inv_freq$"];

    /// <summary>
    /// Llama stores q/k/v and gate/up separately; our modules use Phi-3's fused projections. Anchored to the decoder's
    /// own layers (<c>model.layers.N.</c>, the same in released and plain HF checkpoints): the Florence-2 encoder inside
    /// the tower also has <c>self_attn.q_proj</c>, and an unanchored rule once packed those into names no module has.
    /// </summary>
    public static readonly IReadOnlyList<PackRule> LlamaPacks =
    [
        new(@"^(?<prefix>model\.layers\.\d+)\.self_attn\.(?<part>q|k|v)_proj\.weight$", "${prefix}.self_attn.qkv_proj.weight", ["q", "k", "v"]),
        new(@"^(?<prefix>model\.layers\.\d+)\.mlp\.(?<part>gate|up)_proj\.weight$", "${prefix}.mlp.gate_up_proj.weight", ["gate", "up"]),
    ];

    /// <summary>The released Florence-VL checkpoints (llava_phi, llava_llama) with the original Florence-2 names.</summary>
    public static WeightLayout ReleasedFlorenceVL(bool packLlama) => new(
        "released-florence-vl",
        [.. UnusedFlorence2.Select(p => Tower + p), .. UnusedDecoder],
        [
            new(Tower + @"vision_tower\.", "vision_tower.davit."),
            new(Tower + @"language_model\.model\.encoder\.", "vision_tower.encoder."),
            new(Tower + @"language_model\.model\.shared\.", "vision_tower.shared."),
            new(Tower, "vision_tower."),
            new(@"^model\.mm_projector\.encoder_mlp\.0\.", "mm_projector.layers.0."),
            new(@"^model\.mm_projector\.encoder_mlp\.(\d+)\.1\.", "mm_projector.layers.$1."),
            new(@"^model\.(embed_tokens|layers|norm)\b", "language_model.model.$1"),
            new(@"^lm_head\.", "language_model.lm_head."),
        ],
        packLlama ? LlamaPacks : [],
        []);

    /// <summary>A Florence-2 vision tower folder in the original remote-code names (as <c>vision_tower/</c> ships).</summary>
    public static WeightLayout OriginalFlorence2Tower { get; } = new(
        "original-florence2",
        UnusedFlorence2.Select(p => "^" + p).ToArray(),
        [
            new(@"^vision_tower\.", "vision_tower.davit."),
            new(@"^language_model\.model\.encoder\.", "vision_tower.encoder."),
            new(@"^language_model\.model\.shared\.", "vision_tower.shared."),
            new(@"^(image_projection|image_proj_norm|image_pos_embed)\b", "vision_tower.$1"),
        ],
        [],
        []);

    /// <summary>Florence-2 in transformers-native names (<c>Florence2ForConditionalGeneration</c> in transformers 4.56+).</summary>
    public static WeightLayout NativeFlorence2Tower { get; } = new(
        "transformers-florence2",
        [@"^model\.language_model\.decoder\.", @"^lm_head\.", @"^model\.language_model\.encoder\.embed_tokens\.", @"visual_temporal_embed\."],
        [
            new(@"^model\.vision_tower\.convs\.(\d+)\.conv\.", "vision_tower.davit.convs.$1.proj."),
            new(@"^model\.vision_tower\.", "vision_tower.davit."),
            // The DaViT block renames below only ever touch names already under vision_tower.davit.blocks.
            new(@"^(vision_tower\.davit\.blocks\..*)\.(conv1|conv2)\.(weight|bias)$", "$1.$2.fn.dw.$3"),
            new(@"^(vision_tower\.davit\.blocks\..*)\.spatial_block\.norm1\.", "$1.spatial_block.window_attn.norm."),
            new(@"^(vision_tower\.davit\.blocks\..*)\.channel_block\.norm1\.", "$1.channel_block.channel_attn.norm."),
            new(@"^(vision_tower\.davit\.blocks\..*)\.(window_attn|channel_attn)\.(qkv|proj)\.", "$1.$2.fn.$3."),
            new(@"^(vision_tower\.davit\.blocks\..*)\.norm2\.", "$1.ffn.norm."),
            new(@"^(vision_tower\.davit\.blocks\..*)\.ffn\.(fc1|fc2)\.", "$1.ffn.fn.net.$2."),
            new(@"^model\.multi_modal_projector\.image_projection\.weight$", "vision_tower.image_projection"),
            new(@"^model\.multi_modal_projector\.image_position_embed\.", "vision_tower.image_pos_embed."),
            new(@"^model\.multi_modal_projector\.", "vision_tower."),
            new(@"^model\.language_model\.encoder\.", "vision_tower.encoder."),
            new(@"^model\.language_model\.shared\.", "vision_tower.shared."),
        ],
        [],
        ["vision_tower.image_projection"]); // nn.Linear weight [out,in] there; a raw [in,out] matrix in the original

    /// <summary>A plain Phi-3 or Llama checkpoint loaded into a bare decoder (names as HF stores them).</summary>
    public static WeightLayout PlainDecoder(bool packLlama, string internalPrefix = "") => new(
        packLlama ? "plain-llama" : "plain-phi3",
        UnusedDecoder,
        internalPrefix.Length == 0 ? [] : [new(@"^", internalPrefix)],
        packLlama ? LlamaPacks : [],
        []);
}
