namespace FlorenceVL.Engine.Configuration;

/// <summary>
/// The released architectures, for shape checks on the meta device and for benchmarks with random weights.
/// Serving always reads the architecture from the checkpoint; these only mirror the published config.json files.
/// </summary>
public static class ModelPresets
{
    /// <summary>Florence-2-large as its config.json gives it (the tower of both released Florence-VL models).</summary>
    public static VisionTowerConfig Florence2Large { get; } = new(
        new DaViTConfig([256, 512, 1024, 2048], [8, 16, 32, 64], [8, 16, 32, 64], [1, 1, 9, 1],
            [7, 3, 3, 3], [4, 2, 2, 2], [3, 1, 1, 1], [false, true, true, true], WindowSize: 12),
        new Florence2EncoderConfig(VocabSize: 51289, DModel: 1024, EncoderLayers: 12, EncoderAttentionHeads: 16, EncoderFfnDim: 4096,
            MaxPositionEmbeddings: 4096, PadTokenId: 1),
        ProjectionDim: 1024,
        MaxPositionEmbeddings2D: 50,
        MaxTemporalEmbeddings: 100,
        TaskPrompts.FlorenceVL);

    /// <summary>jiuhai/florence-vl-3b-sft: Florence-2-large + mlp3x_gelu + Phi-3.5-mini-instruct, 768x768 images.</summary>
    public static FlorenceVLConfig FlorenceVL3B { get; } = Compose("llava_phi", TextConfig.Phi35Mini);

    /// <summary>jiuhai/florence-vl-8b-sft: Florence-2-large + mlp3x_gelu + Llama-3.1-8B-Instruct, 768x768 images.</summary>
    public static FlorenceVLConfig FlorenceVL8B { get; } = Compose("llava_llama", TextConfig.Llama31_8B);

    private static FlorenceVLConfig Compose(string modelType, TextConfig text) => new(
        modelType,
        Florence2Large,
        new ProjectorConfig("mlp3x_gelu", MmHiddenSize: 1024, NumFusedFeatures: 1 + Florence2Large.Prompts.Count, text.HiddenSize),
        text,
        ImageSize: 768,
        VisionTowerDirectory: "");
}
