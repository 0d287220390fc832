using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Modeling;
using FlorenceVL.Engine.Processing.Images;
using FlorenceVL.Engine.Processing.Text;
using FlorenceVL.Engine.Serving;
using FlorenceVL.Engine.Weights;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Benchmarks;

/// <summary>
/// The "bench-cpu" preset: the Florence-VL architecture sized for a 2-core CPU, built in memory with random weights.
/// Its decoder has the shapes of the llama.cpp peer in the team's environment notes (Phi-3, hidden 512, 8 layers,
/// 8 heads, FFN 1536, vocabulary 32064: 60.1M parameters); its vision tower keeps the real model's 768x768 input and
/// 24x24 = 576 visual tokens per image with narrow DaViT stages and a 2-layer encoder.
/// </summary>
public static class BenchPreset
{
    public const string Name = "bench-cpu";

    public static FlorenceVLConfig Config { get; } = BuildConfig();

    /// <summary>The preset as a bench run's settings ask for it (dtype, tokenizer, the peer's decoder weights if named).</summary>
    public static LoadedModel Create(BenchSettings settings) =>
        Create(settings.DType, settings.TokenizerDirectory, decoderDirectory: settings.DecoderDirectory);

    /// <summary>Random weights from a fixed seed; the tokenizer (and so the chat template) comes from <paramref name="tokenizerDirectory"/>.</summary>
    /// <param name="decoderDirectory">
    /// An HF Phi-3 or Llama checkpoint (config.json + safetensors) of the preset's decoder shapes whose weights replace
    /// the random decoder: the llama.cpp peer writes one beside its GGUF, so both engines run the same weights.
    /// </param>
    public static LoadedModel Create(ScalarType dtype, string tokenizerDirectory, long seed = 1234, string? decoderDirectory = null)
    {
        var tokenizer = TokenizerLoader.FromModelDirectory(tokenizerDirectory);
        manual_seed(seed);
        var config = decoderDirectory is null ? Config : Config with { Text = DecoderConfig(decoderDirectory) };
        var model = new FlorenceVLModel(config, new ModelPlacement(CPU, dtype));
        model.eval();
        if (decoderDirectory is not null) LoadDecoder(model, decoderDirectory);
        var template = ChatTemplates.ForModelType(Config.ModelType, tokenizer);
        var preprocessor = new ImagePreprocessor(new ImagePreprocessConfig { ImageSize = Config.ImageSize });
        return new LoadedModel(model, config, tokenizer, template, preprocessor, new LoadReport(0, [], []));
    }

    /// <summary>The checkpoint's decoder config, refused unless it has the preset's shapes (the figures would not compare).</summary>
    private static TextConfig DecoderConfig(string directory)
    {
        var text = FlorenceVLConfig.TextOnlyFromModelDirectory(directory);
        var preset = Config.Text;
        if ((text.HiddenSize, text.IntermediateSize, text.NumHiddenLayers, text.NumAttentionHeads, text.VocabSize)
            != (preset.HiddenSize, preset.IntermediateSize, preset.NumHiddenLayers, preset.NumAttentionHeads, preset.VocabSize))
            throw new ArgumentException($"{directory}: decoder shapes (hidden {text.HiddenSize}, FFN {text.IntermediateSize}, {text.NumHiddenLayers} layers, " +
                                        $"{text.NumAttentionHeads} heads, vocabulary {text.VocabSize}) are not the bench-cpu preset's.");
        return text;
    }

    private static void LoadDecoder(FlorenceVLModel model, string directory)
    {
        using var checkpoint = SafetensorsCheckpoint.Open(directory);
        var decoder = model.LanguageModel;
        CheckpointLoader.Load(decoder, [new(checkpoint, WeightLayouts.PlainDecoder(model.Config.Text.Kind == DecoderKind.Llama))], decoder.TiedParameters());
    }

    /// <summary>
    /// Engine settings of every scenario: the engine's defaults (token budget 2048, long-prefill threshold 512, 32
    /// sequences) with a KV pool of 512 MiB, room for 32 sequences of 512 tokens even in float32 (no preemption).
    /// </summary>
    public static EngineOptions EngineOptions() => new()
    {
        ModelPath = Name,
        ServedModelName = Name,
        KvCacheBytes = 512L * 1024 * 1024,
        WarmUp = false,
    };

    /// <summary>Parameters of the language model alone (the figure the llama.cpp peer reports).</summary>
    public static long DecoderParameters(LoadedModel loaded) =>
        loaded.Model.LanguageModel.parameters().Sum(p => p.numel());

    private static FlorenceVLConfig BuildConfig()
    {
        var davit = new DaViTConfig(
            DimEmbed: [64, 128, 192, 256], NumHeads: [2, 4, 6, 8], NumGroups: [2, 4, 6, 8], Depths: [1, 1, 1, 1],
            PatchSize: [7, 3, 3, 3], PatchStride: [4, 2, 2, 2], PatchPadding: [3, 1, 1, 1],
            PatchPrenorm: [false, true, true, true], WindowSize: 12);
        davit.Validate();
        var encoder = new Florence2EncoderConfig(VocabSize: 51289, DModel: 128, EncoderLayers: 2, EncoderAttentionHeads: 4,
            EncoderFfnDim: 512, MaxPositionEmbeddings: 1024, PadTokenId: 1);
        var vision = new VisionTowerConfig(davit, encoder, ProjectionDim: 128, MaxPositionEmbeddings2D: 50,
            MaxTemporalEmbeddings: 100, TaskPrompts.FlorenceVL);
        var text = Phi3Decoder();
        var projector = new ProjectorConfig("mlp3x_gelu", encoder.DModel, 1 + vision.Prompts.Count, text.HiddenSize);
        return new FlorenceVLConfig("llava_phi", vision, projector, text, ImageSize: 768, VisionTowerDirectory: "(in memory)");
    }

    /// <summary>Phi-3.5's layout and special ids at 1/6 of its width; LongRoPE with unit factors like the real config's kind.</summary>
    private static TextConfig Phi3Decoder()
    {
        const int headDim = 64;
        var unit = Enumerable.Repeat(1.0, headDim / 2).ToArray();
        var config = new TextConfig(DecoderKind.Phi3, VocabSize: 32064, HiddenSize: 512, IntermediateSize: 1536, NumHiddenLayers: 8,
            NumAttentionHeads: 8, NumKeyValueHeads: 8, HeadDim: headDim, RmsNormEps: 1e-5, RopeTheta: 10000.0,
            MaxPositionEmbeddings: 131072, OriginalMaxPositionEmbeddings: 4096,
            RopeScaling: new RopeScaling("longrope", unit, unit, OriginalMaxPositionEmbeddings: 4096),
            BosTokenId: 1, EosTokenIds: [32000, 32007], PadTokenId: 32000, TieWordEmbeddings: false);
        config.Validate();
        return config;
    }
}
