using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Weights;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling;

/// <summary>What a checkpoint folder is and whether the server can load it, worked out without reading any weights.</summary>
public sealed record CheckpointInspection(
    string Directory,
    FlorenceVLConfig Config,
    string TowerSource,
    IReadOnlyList<string> Files,
    IReadOnlyDictionary<string, long> StoredDTypes,
    long StoredElements,
    long ModelParameters,
    string? Tokenizer,
    LoadPlan Plan,
    ServingMemoryEstimate Memory)
{
    public bool CanServe => Plan.CanLoad && Tokenizer is not null;
}

/// <summary>Reads a folder's config and safetensors headers, builds the model on the meta device and plans the load.</summary>
public static class CheckpointInspector
{
    /// <param name="dtype">the serving dtype the memory estimate is for.</param>
    /// <param name="contextLength">tokens per sequence for the KV estimate; null uses the model's serving default.</param>
    public static CheckpointInspection Inspect(string directory, ScalarType dtype, int? contextLength = null, int sequences = 1, int prefillChunkTokens = 2048)
    {
        if (!System.IO.Directory.Exists(directory)) throw new ModelConfigException($"{directory}: no such folder.");
        var config = FlorenceVLConfig.FromModelDirectory(directory);
        using var model = new FlorenceVLModel(config, ModelPlacement.Meta);
        using var sources = CheckpointSources.Open(config, directory);
        var expected = model.state_dict().ToDictionary(p => p.Key, p => p.Value.shape);
        var plan = CheckpointPlanner.Plan(expected, sources.All, model.LanguageModel.TiedParameters("language_model."));
        var entries = sources.All.SelectMany(s => s.Checkpoint.Names.Select(s.Checkpoint.Entry)).ToList();
        var parameters = expected.Values.Sum(s => s.Aggregate(1L, (a, b) => a * b));
        var context = contextLength ?? Math.Min(config.Text.MaxPositionEmbeddings, 4096);
        return new CheckpointInspection(
            directory, config, sources.TowerSource,
            sources.All.SelectMany(s => s.Checkpoint.FilePaths).ToList(),
            entries.GroupBy(e => SafetensorsDType.Name(e.DType)).ToDictionary(g => g.Key, g => g.LongCount()),
            entries.Sum(e => e.Shape.Aggregate(1L, (a, b) => a * b)),
            parameters,
            TokenizerFile(directory),
            plan,
            ServingMemoryEstimate.For(config, parameters, SafetensorsDType.ElementSize(dtype), context, sequences, prefillChunkTokens));
    }

    private static string? TokenizerFile(string directory) =>
        new[] { "tokenizer.json", "tokenizer.model" }.FirstOrDefault(f => File.Exists(Path.Combine(directory, f)));
}
