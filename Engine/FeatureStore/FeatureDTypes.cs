using static TorchSharp.torch;

namespace FlorenceVL.Engine.FeatureStore;

/// <summary>The precisions features may be stored in, with their names in keys and codes in entry headers.</summary>
internal static class FeatureDTypes
{
    public static string Name(ScalarType dtype) => dtype switch
    {
        ScalarType.BFloat16 => "bf16",
        ScalarType.Float16 => "f16",
        ScalarType.Float32 => "f32",
        _ => throw new ArgumentException($"features cannot be stored as {dtype}: use BFloat16, Float16 or Float32.", nameof(dtype)),
    };

    public static byte Code(ScalarType dtype) => dtype switch
    {
        ScalarType.BFloat16 => 1,
        ScalarType.Float16 => 2,
        ScalarType.Float32 => 3,
        _ => throw new ArgumentException($"features cannot be stored as {dtype}: use BFloat16, Float16 or Float32.", nameof(dtype)),
    };

    public static ScalarType? FromCode(byte code) => code switch
    {
        1 => ScalarType.BFloat16,
        2 => ScalarType.Float16,
        3 => ScalarType.Float32,
        _ => null,
    };

    public static int ElementSize(ScalarType dtype) => dtype == ScalarType.Float32 ? 4 : 2;
}
