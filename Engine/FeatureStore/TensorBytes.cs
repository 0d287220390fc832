using static TorchSharp.torch;

namespace FlorenceVL.Engine.FeatureStore;

/// <summary>Raw access to contiguous CPU tensor memory without intermediate copies (spans are capped at 2 GiB).</summary>
internal static unsafe class TensorBytes
{
    private const long ChunkBytes = 1L << 30;

    public delegate void ChunkVisitor(ReadOnlySpan<byte> chunk);

    /// <summary>Calls <paramref name="visit"/> on consecutive chunks of a contiguous CPU tensor's bytes.</summary>
    public static void Visit(Tensor cpuContiguous, ChunkVisitor visit)
    {
        var total = NumBytes(cpuContiguous);
        var start = DataPointer(cpuContiguous);
        for (long offset = 0; offset < total; offset += ChunkBytes)
            visit(new ReadOnlySpan<byte>(start + offset, (int)Math.Min(ChunkBytes, total - offset)));
    }

    /// <summary>Copies a contiguous CPU tensor's bytes into <paramref name="destination"/>, which must be exactly that long.</summary>
    public static void CopyTo(Tensor cpuContiguous, Span<byte> destination)
    {
        if (destination.Length != NumBytes(cpuContiguous))
            throw new ArgumentException($"destination holds {destination.Length} bytes, the tensor {NumBytes(cpuContiguous)}.", nameof(destination));
        new ReadOnlySpan<byte>(DataPointer(cpuContiguous), destination.Length).CopyTo(destination);
    }

    /// <summary>A new CPU tensor of <paramref name="shape"/> and <paramref name="dtype"/> holding a copy of <paramref name="data"/>.</summary>
    public static Tensor FromBytes(ReadOnlySpan<byte> data, ScalarType dtype, long[] shape)
    {
        var tensor = empty(shape, dtype);
        if (data.Length != NumBytes(tensor))
        {
            tensor.Dispose();
            throw new ArgumentException($"{data.Length} bytes do not fill a {dtype} tensor of shape [{string.Join(", ", shape)}].", nameof(data));
        }
        data.CopyTo(new Span<byte>(DataPointer(tensor), data.Length));
        return tensor;
    }

    private static byte* DataPointer(Tensor tensor) => FlorenceVL.Engine.Runtime.TensorMemory.Address(tensor);

    public static long NumBytes(Tensor tensor) => tensor.numel() * tensor.element_size();
}
