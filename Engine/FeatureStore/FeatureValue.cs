using static TorchSharp.torch;

namespace FlorenceVL.Engine.FeatureStore;

/// <summary>
/// One image's DBFusion features as raw bytes, [tokens, fusedDim] in <see cref="DType"/>. Plain memory rather than a
/// tensor, so values cross threads (request threads, the engine thread, the writer) without tensor ownership questions.
/// </summary>
public sealed class FeatureValue
{
    public FeatureValue(ScalarType dtype, long[] shape, ReadOnlyMemory<byte> data)
    {
        var expected = shape.Aggregate(1L, (a, b) => checked(a * b)) * FeatureDTypes.ElementSize(dtype);
        if (shape.Any(d => d < 0) || data.Length != expected)
            throw new ArgumentException($"{data.Length} bytes do not hold a {dtype} tensor of shape [{string.Join(", ", shape)}] ({expected} bytes).", nameof(data));
        DType = dtype;
        Shape = shape;
        Data = data;
    }

    public ScalarType DType { get; }
    public IReadOnlyList<long> Shape { get; }
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Copies <paramref name="features"/> (any device or dtype) converted to <paramref name="dtype"/>.</summary>
    public static FeatureValue FromTensor(Tensor features, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var cpu = features.detach().to(dtype).cpu().contiguous();
        var bytes = new byte[TensorBytes.NumBytes(cpu)];
        TensorBytes.CopyTo(cpu, bytes);
        return new FeatureValue(dtype, cpu.shape, bytes);
    }

    /// <summary>A new CPU tensor in <see cref="DType"/> holding a copy of the bytes; the caller owns it.</summary>
    public Tensor ToTensor() => TensorBytes.FromBytes(Data.Span, DType, Shape.ToArray());
}
