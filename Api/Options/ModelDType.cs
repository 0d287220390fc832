using FlorenceVL.Engine.Runtime;
using static TorchSharp.torch;

namespace FlorenceVL.Api.Options;

/// <summary>
/// The dtype a model is served in, from FlorenceVL:Model:DType. <c>auto</c> (the default) is what a user who did not think
/// about it should get: bfloat16 on a GPU (the released checkpoints' own dtype) and on a CPU where bf16 is native
/// (<see cref="CpuFeatures.PrefersBFloat16"/>), float32 on any other CPU, where bf16 products are emulated.
/// </summary>
public static class ModelDType
{
    public static ScalarType Resolve(string setting, string device) => setting switch
    {
        "bfloat16" => ScalarType.BFloat16,
        "float16" => ScalarType.Float16,
        "float32" => ScalarType.Float32,
        "auto" => device.StartsWith("cuda", StringComparison.Ordinal) || CpuFeatures.PrefersBFloat16 ? ScalarType.BFloat16 : ScalarType.Float32,
        _ => throw new ArgumentException($"unknown dtype '{setting}' (auto, float32, bfloat16 or float16).", nameof(setting)),
    };
}
