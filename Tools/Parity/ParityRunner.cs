using System.Text.Json.Nodes;
using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Modeling;
using FlorenceVL.Engine.Modeling.Decoder;
using FlorenceVL.Engine.Weights;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Parity;

/// <summary>
/// Compares a checkpoint's forward pass with reference tensors stored beside it (<c>expected.safetensors</c>, described
/// by <c>cases.json</c>): the whole Florence-VL pipeline for llava_* folders, the decoder for plain phi3/llama folders.
/// Every tensor the file holds for that kind of model is compared; ids must match exactly.
/// </summary>
public static class ParityRunner
{
    public const double Float32Tolerance = 1e-4;

    public static IReadOnlyList<ParityResult> Run(string directory, ScalarType dtype, double tolerance = Float32Tolerance)
    {
        using var _ = no_grad();
        using var expected = SafetensorsFile.Open(Path.Combine(directory, "expected.safetensors"));
        var placement = new ModelPlacement(CPU, dtype);
        var modelType = FlorenceVLConfig.ReadJson(Path.Combine(directory, "config.json"))["model_type"]?.GetValue<string>();
        return modelType is "llava_phi" or "llava_llama"
            ? FlorenceVLParity.Run(directory, expected, placement, tolerance)
            : DecoderParity.Run(directory, expected, placement, tolerance);
    }

    internal static ParityResult Compare(string name, Tensor actual, SafetensorsFile expected, double tolerance)
    {
        using var reference = expected.Load(name, ScalarType.Float64);
        using var value = actual.to_type(ScalarType.Float64).cpu().reshape(reference.shape);
        var error = (value - reference).norm().item<double>() / Math.Max(reference.norm().item<double>(), 1e-30);
        return new ParityResult(name, error, error < tolerance);
    }

    internal static ParityResult CompareIds(string name, IReadOnlyList<int> actual, SafetensorsFile expected)
    {
        using var reference = expected.Load(name, ScalarType.Int64);
        var wanted = reference.reshape(-1).data<long>().Select(v => (int)v).ToArray();
        var same = wanted.SequenceEqual(actual);
        return new ParityResult(name, same ? 0 : 1, same, same ? null : $"expected [{string.Join(",", wanted)}] got [{string.Join(",", actual)}]");
    }

    internal static JsonObject ReadCases(string directory) => FlorenceVLConfig.ReadJson(Path.Combine(directory, "cases.json"));
}
