using System.Text.Json;
using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Modeling;
using FlorenceVL.Engine.Processing.Text;
using FlorenceVL.Training.Checkpointing;
using FlorenceVL.Training.Data;
using FlorenceVL.Training.Tokenization;
using FlorenceVL.Engine.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace FlorenceVL.Training.Modeling;

/// <summary>
/// Creates a random-initialised tiny Florence-VL folder to train from: a byte-level BPE tokenizer learned from the
/// dataset's text (plus the Phi-3 chat tokens), config.json (llava_phi), vision_tower/config.json and model.safetensors.
/// </summary>
public static class TinyModelFactory
{
    public static IReadOnlyList<string> ChatTokens { get; } = ["<|endoftext|>", "<|system|>", "<|user|>", "<|assistant|>", "<|end|>"];

    public static FlorenceVLConfig Create(string directory, TinyModelSpec spec, IEnumerable<string> corpus, int seed, int maxMerges = 2000)
    {
        Directory.CreateDirectory(Path.Combine(directory, "vision_tower"));
        var bpe = BpeTrainer.Train(corpus, maxMerges);
        var added = TokenizerFilesWriter.Write(directory, bpe, ChatTokens, eosToken: "<|endoftext|>");
        var vocabSize = bpe.Symbols.Count + ChatTokens.Count;
        var options = new JsonSerializerOptions { WriteIndented = true };
        File.WriteAllText(Path.Combine(directory, "config.json"), spec.ModelConfig(vocabSize, added["<|endoftext|>"], added["<|end|>"]).ToJsonString(options));
        File.WriteAllText(Path.Combine(directory, "vision_tower", "config.json"), spec.VisionTowerConfig().ToJsonString(options));
        var config = FlorenceVLConfig.FromModelDirectory(directory);
        torch.manual_seed(seed);
        using var model = new FlorenceVLModel(config, ModelPlacement.CpuFloat32);
        WidthScaledInit.Apply(model, spec.NumLayers, spec.TowerFanInInit);
        CheckpointWriter.WriteWeights(Path.Combine(directory, SafetensorsCheckpoint.SingleFileName), model.state_dict(), saveDType: null);
        return config;
    }

    /// <summary>Text a tokenizer should know: every turn of the given LLaVA files and the chat template's fixed strings.</summary>
    public static IEnumerable<string> CorpusFrom(IEnumerable<string> llavaJsonFiles)
    {
        yield return "You are a helpful AI assistant.";
        foreach (var file in llavaJsonFiles)
            foreach (var raw in LlavaDatasetReader.ReadRecords(file))
                foreach (var turn in raw.Record?.Conversations ?? [])
                    yield return turn.Value.Replace(LlavaTurn.ImagePlaceholder, "", StringComparison.Ordinal);
    }
}
