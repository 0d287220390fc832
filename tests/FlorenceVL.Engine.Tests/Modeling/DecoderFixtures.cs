using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Modeling;
using FlorenceVL.Engine.Modeling.Decoder;
using FlorenceVL.Engine.Weights;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Tests.Modeling;

/// <summary>The tiny Phi-3 and Llama parity checkpoints (Fixtures/phi3-tiny, Fixtures/llama3-tiny) and their reference tensors.</summary>
internal static class DecoderFixtures
{
    public const string Phi3 = "phi3-tiny";
    public const string Llama3 = "llama3-tiny";

    public static string Directory(string folder)
    {
        Runtime.TorchRuntime.EnsureLoadable();
        return Path.Combine(AppContext.BaseDirectory, "Fixtures", folder);
    }

    public static CausalLM LoadModel(string folder, ScalarType dtype = ScalarType.Float32)
    {
        var directory = Directory(folder);
        var config = FlorenceVLConfig.TextOnlyFromModelDirectory(directory);
        var model = new CausalLM(config, new ModelPlacement(CPU, dtype));
        using var checkpoint = SafetensorsCheckpoint.Open(directory);
        CheckpointLoader.Load(model, [new CheckpointSource(checkpoint, WeightLayouts.PlainDecoder(packLlama: config.Kind == DecoderKind.Llama))],
            model.TiedParameters());
        model.eval();
        return model;
    }

    /// <summary>A reference tensor from the folder's expected.safetensors, as stored.</summary>
    public static Tensor Expected(string folder, string name)
    {
        using var file = SafetensorsFile.Open(Path.Combine(Directory(folder), "expected.safetensors"));
        return file.Load(name);
    }

    /// <summary>‖actual − expected‖ / ‖expected‖, in float64.</summary>
    public static double RelativeError(Tensor actual, Tensor expected)
    {
        using var a = actual.to_type(ScalarType.Float64).reshape(expected.shape);
        using var e = expected.to_type(ScalarType.Float64);
        using var diff = a - e;
        return diff.norm().item<double>() / e.norm().item<double>();
    }
}
