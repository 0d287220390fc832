using FlorenceVL.Engine.Configuration;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Weights;

/// <summary>
/// A full-size checkpoint folder with random weights in the released layout (sharded safetensors, config.json,
/// vision_tower/config.json, a tokenizer copied from another folder): the real shapes and file layout for load, memory
/// and speed measurements where the released weights cannot be downloaded. Linear and embedding weights are drawn from
/// N(0, 0.02), norm weights are one and biases zero, so activations stay finite through 32 layers.
/// </summary>
public static class RandomCheckpoint
{
    public static IReadOnlyList<string> Write(FlorenceVLConfig config, string directory, string tokenizerDirectory, ScalarType dtype,
        long maxShardBytes, long seed)
    {
        Directory.CreateDirectory(Path.Combine(directory, "vision_tower"));
        File.WriteAllText(Path.Combine(directory, "config.json"), ConfigJson.Model(config).ToJsonString(Indented));
        File.WriteAllText(Path.Combine(directory, "vision_tower", "config.json"), ConfigJson.VisionTower(config.Vision).ToJsonString(Indented));
        foreach (var file in new[] { "tokenizer.json", "tokenizer.model", "tokenizer_config.json", "special_tokens_map.json" })
            if (File.Exists(Path.Combine(tokenizerDirectory, file)))
                File.Copy(Path.Combine(tokenizerDirectory, file), Path.Combine(directory, file), overwrite: true);
        var generator = new TorchSharp.torch.Generator((ulong)seed);
        return ShardedSafetensorsWriter.Write(directory, ReleasedTensorList.For(config), dtype, t => Make(t, dtype, generator), maxShardBytes);
    }

    private static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static Tensor Make(ReleasedTensor tensor, ScalarType dtype, TorchSharp.torch.Generator generator)
    {
        var name = tensor.Name;
        if (name.EndsWith(".bias", StringComparison.Ordinal)) return zeros(tensor.Shape, dtype);
        if (tensor.Shape.Length == 1 && (name.Contains("norm", StringComparison.Ordinal) || name.Contains("layernorm", StringComparison.Ordinal)))
            return ones(tensor.Shape, dtype);
        using var values = normal(0.0, 0.02, tensor.Shape, generator: generator); // drawn in float32, then stored
        return values.to_type(dtype);
    }
}
