using FlorenceVL.Engine.Weights;
using static TorchSharp.torch;

namespace FlorenceVL.Training.Checkpointing;

/// <summary>
/// Writes a checkpoint folder in the released Florence-VL layout, which the server loads unchanged:
/// <code>
///   model.safetensors          released names (see ReleasedNames), fp32 or bf16
///   config.json                copied from the model the run started from (architecture does not change)
///   vision_tower/config.json   copied likewise
///   tokenizer files            tokenizer.json / tokenizer.model / tokenizer_config.json / ... copied
/// </code>
/// </summary>
public static class CheckpointWriter
{
    private static readonly string[] TokenizerFiles =
        ["tokenizer.json", "tokenizer.model", "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json", "generation_config.json"];

    public static void Write(string directory, IReadOnlyDictionary<string, Tensor> stateDict, string sourceModelDirectory, ScalarType? saveDType)
    {
        Directory.CreateDirectory(Path.Combine(directory, "vision_tower"));
        WriteWeights(Path.Combine(directory, SafetensorsCheckpoint.SingleFileName), stateDict, saveDType);
        CopyModelFiles(sourceModelDirectory, directory);
    }

    public static void WriteWeights(string path, IReadOnlyDictionary<string, Tensor> stateDict, ScalarType? saveDType)
    {
        using var scope = NewDisposeScope();
        var tensors = stateDict.Select(p => KeyValuePair.Create(
            ReleasedNames.FromModuleName(p.Key),
            saveDType is { } dtype && p.Value.is_floating_point() ? p.Value.to(dtype) : p.Value));
        SafetensorsWriter.Write(path, tensors, new Dictionary<string, string> { ["format"] = "pt" });
    }

    /// <summary>config.json, vision_tower/config.json and the tokenizer files, from one model folder to another.</summary>
    public static void CopyModelFiles(string source, string destination)
    {
        if (Path.GetFullPath(source) == Path.GetFullPath(destination)) return;
        Directory.CreateDirectory(Path.Combine(destination, "vision_tower"));
        File.Copy(Path.Combine(source, "config.json"), Path.Combine(destination, "config.json"), overwrite: true);
        File.Copy(Path.Combine(source, "vision_tower", "config.json"), Path.Combine(destination, "vision_tower", "config.json"), overwrite: true);
        foreach (var name in TokenizerFiles.Where(n => File.Exists(Path.Combine(source, n))))
            File.Copy(Path.Combine(source, name), Path.Combine(destination, name), overwrite: true);
    }
}
