using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlorenceVL.Engine.Configuration;

/// <summary>Which decoder family a checkpoint holds; decides fused projections and the rope variant.</summary>
public enum DecoderKind { Phi3, Llama }

/// <summary>
/// Rotary embedding scaling, as HF's <c>rope_scaling</c>. <c>Type</c> is "default", "longrope" (Phi-3.5) or "llama3".
/// </summary>
public sealed record RopeScaling(
    string Type,
    IReadOnlyList<double>? ShortFactor = null,
    IReadOnlyList<double>? LongFactor = null,
    double Factor = 1.0,
    double LowFreqFactor = 1.0,
    double HighFreqFactor = 4.0,
    int? OriginalMaxPositionEmbeddings = null);

/// <summary>The language model's architecture, parsed from an HF <c>config.json</c> (Phi-3 or Llama fields).</summary>
public sealed record TextConfig(
    DecoderKind Kind,
    int VocabSize,
    int HiddenSize,
    int IntermediateSize,
    int NumHiddenLayers,
    int NumAttentionHeads,
    int NumKeyValueHeads,
    int HeadDim,
    double RmsNormEps,
    double RopeTheta,
    int MaxPositionEmbeddings,
    int OriginalMaxPositionEmbeddings,
    RopeScaling? RopeScaling,
    int? BosTokenId,
    IReadOnlyList<int> EosTokenIds,
    int? PadTokenId,
    bool TieWordEmbeddings)
{
    public int QueriesPerKeyValue => NumAttentionHeads / NumKeyValueHeads;
    public int QkvOutputSize => (NumAttentionHeads + 2 * NumKeyValueHeads) * HeadDim;

    /// <summary>Whether a sequence of this length is rotated with LongRoPE's long factors (Phi-3.5 beyond its original context).</summary>
    public bool UsesLongRopeFactors(int contextLength) =>
        RopeScaling?.Type == "longrope" && contextLength > OriginalMaxPositionEmbeddings;

    /// <summary>
    /// Namespace for prefix-cache blocks of a prompt of this length, null when every prompt shares one. LongRoPE rotates
    /// every prompt token with the long factors when the prompt exceeds the original context and with the short ones
    /// otherwise, so the same prefix has different K/V in the two cases: they must never share cached blocks.
    /// </summary>
    public string? PrefixCacheSalt(int numPromptTokens) => UsesLongRopeFactors(numPromptTokens) ? "longrope-long" : null;

    /// <summary>Phi-3.5-mini-instruct, the 3B model's decoder (for shape checks without weights).</summary>
    public static TextConfig Phi35Mini { get; } = new(
        DecoderKind.Phi3, 32064, 3072, 8192, 32, 32, 32, 96, 1e-5, 10000.0, 131072, 4096,
        new RopeScaling("longrope", Enumerable.Repeat(1.0, 48).ToArray(), Enumerable.Repeat(1.0, 48).ToArray(), OriginalMaxPositionEmbeddings: 4096),
        1, [32000, 32007], 32000, false);

    /// <summary>Llama-3.1-8B-Instruct, the 8B model's decoder (Florence-VL adds one pad token: vocab 128257).</summary>
    public static TextConfig Llama31_8B { get; } = new(
        DecoderKind.Llama, 128257, 4096, 14336, 32, 32, 8, 128, 1e-5, 500000.0, 131072, 8192,
        new RopeScaling("llama3", Factor: 8.0, LowFreqFactor: 1.0, HighFreqFactor: 4.0, OriginalMaxPositionEmbeddings: 8192),
        128000, [128001, 128008, 128009], 128256, false);

    public static TextConfig FromJson(JsonObject json, DecoderKind kind)
    {
        var reader = new JsonFieldReader(json, "config.json");
        var hidden = reader.Int("hidden_size");
        var heads = reader.Int("num_attention_heads");
        var kvHeads = reader.OptionalInt("num_key_value_heads") ?? heads;
        var maxPositions = reader.OptionalInt("max_position_embeddings") ?? 4096;
        var scaling = ParseRopeScaling(json["rope_scaling"] as JsonObject);
        var config = new TextConfig(
            kind,
            reader.Int("vocab_size"),
            hidden,
            reader.Int("intermediate_size"),
            reader.Int("num_hidden_layers"),
            heads,
            kvHeads,
            reader.OptionalInt("head_dim") ?? hidden / heads,
            reader.OptionalDouble("rms_norm_eps") ?? 1e-5,
            reader.OptionalDouble("rope_theta") ?? 10000.0,
            maxPositions,
            reader.OptionalInt("original_max_position_embeddings") ?? scaling?.OriginalMaxPositionEmbeddings ?? maxPositions,
            scaling,
            reader.OptionalInt("bos_token_id"),
            reader.IntList("eos_token_id"),
            reader.OptionalInt("pad_token_id"),
            reader.OptionalBool("tie_word_embeddings") ?? false);
        config.Validate();
        return config;
    }

    public void Validate()
    {
        if (HiddenSize <= 0 || NumHiddenLayers <= 0 || NumAttentionHeads <= 0 || VocabSize <= 0)
            throw new ModelConfigException("hidden_size, num_hidden_layers, num_attention_heads and vocab_size must be positive.");
        if (NumAttentionHeads % NumKeyValueHeads != 0)
            throw new ModelConfigException($"num_attention_heads ({NumAttentionHeads}) must be a multiple of num_key_value_heads ({NumKeyValueHeads}).");
        if (HeadDim % 2 != 0)
            throw new ModelConfigException($"head_dim ({HeadDim}) must be even for rotary embeddings.");
        if (RopeScaling is { Type: "longrope" } longrope &&
            (longrope.ShortFactor?.Count != HeadDim / 2 || longrope.LongFactor?.Count != HeadDim / 2))
            throw new ModelConfigException($"longrope short_factor and long_factor need head_dim/2 = {HeadDim / 2} entries each.");
    }

    private static RopeScaling? ParseRopeScaling(JsonObject? node)
    {
        if (node is null) return null;
        var reader = new JsonFieldReader(node, "rope_scaling");
        var type = reader.OptionalString("rope_type") ?? reader.OptionalString("type") ?? "default";
        if (type == "su") type = "longrope"; // the name Phi-3's first releases used
        return new RopeScaling(
            type,
            reader.OptionalDoubleList("short_factor"),
            reader.OptionalDoubleList("long_factor"),
            reader.OptionalDouble("factor") ?? 1.0,
            reader.OptionalDouble("low_freq_factor") ?? 1.0,
            reader.OptionalDouble("high_freq_factor") ?? 4.0,
            reader.OptionalInt("original_max_position_embeddings"));
    }
}
