using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FlorenceVL.Engine.Modeling.Decoder;

/// <summary>
/// y[M, N] = x[M, K] . w[N, K]^T for a few rows (decode: M = 1..<see cref="MaxRows"/>) with bf16 weights and inputs,
/// on AVX-512: the weight streams once from memory in its own [out, in] layout, each 16 bf16 widened to float32 in
/// registers (a zero-extend and a 16-bit shift: bf16 is the top half of a float32), four weight rows at a time with
/// the next four prefetched; inputs are widened once up front. Products accumulate in float32 and each output is
/// rounded to bf16 (to nearest, ties to even), as libtorch's bf16 linear does.
/// <para>
/// Why: at batch 1 the decode step is the weight stream, and libtorch's bf16 matrix-vector product read the weights at
/// about 8.5 GB/s on one thread (docs/benchmarks.md). Every output is summed in the same order whatever M is, so a
/// row's result does not depend on how many rows share the call.
/// </para>
/// </summary>
internal static unsafe class CpuBFloat16Gemv
{
    public const int MaxRows = 4;
    private const int Ahead = 2;
    private const int Lanes = 16;
    private const int TileColumns = 4;

    public static bool Fits(long m, long n, long k) =>
        m is >= 1 and <= MaxRows && k > 0 && k % Lanes == 0 && n > 0 && n % TileColumns == 0;

    /// <summary>Outputs [firstColumn, endColumn) of every row (multiples of 4); <paramref name="x"/> already float32.</summary>
    /// <remarks>Optimised at first call: tier-0 code of these intrinsics runs several times slower, and a server's first requests would pay it.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(float* x, int m, ushort* w, int n, int k, ushort* y, int firstColumn, int endColumn)
    {
        for (var column = firstColumn; column < endColumn; column += TileColumns)
        {
            var weights = w + (long)column * k;
            var next = column + Ahead * TileColumns < endColumn ? weights + (long)Ahead * TileColumns * k : null;
            for (var row = 0; row < m; row++)
            {
                // Rows after the first find the four weight rows in cache; only the first streams and prefetches.
                var sums = Tile(x + (long)row * k, weights, row == 0 ? next : null, k);
                var output = y + (long)row * n + column;
                output[0] = ToBFloat16(sums.GetElement(0));
                output[1] = ToBFloat16(sums.GetElement(1));
                output[2] = ToBFloat16(sums.GetElement(2));
                output[3] = ToBFloat16(sums.GetElement(3));
            }
        }
    }

    /// <summary>bf16 to float32 for the inputs (exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Widen(ushort* source, float* target, long count)
    {
        for (long i = 0; i < count; i++) ((uint*)target)[i] = (uint)source[i] << 16;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Vector128<float> Tile(float* x, ushort* w, ushort* next, int k)
    {
        Vector512<float> c0 = default, c1 = default, c2 = default, c3 = default;
        ushort* w1 = w + k, w2 = w + 2L * k, w3 = w + 3L * k;
        for (var i = 0; i < k; i += Lanes)
        {
            // 16 bf16 are 32 bytes: one 64-byte line every second step.
            if (next != null && (i & 31) == 0)
            {
                Sse.Prefetch0(next + i);
                Sse.Prefetch0(next + k + i);
                Sse.Prefetch0(next + 2L * k + i);
                Sse.Prefetch0(next + 3L * k + i);
            }
            var a = Vector512.Load(x + i);
            c0 = Avx512F.FusedMultiplyAdd(a, Widen(w + i), c0);
            c1 = Avx512F.FusedMultiplyAdd(a, Widen(w1 + i), c1);
            c2 = Avx512F.FusedMultiplyAdd(a, Widen(w2 + i), c2);
            c3 = Avx512F.FusedMultiplyAdd(a, Widen(w3 + i), c3);
        }
        return CpuFloat32Gemm.Reduce(c0, c1, c2, c3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Widen(ushort* bf16) =>
        Avx512F.ShiftLeftLogical(Avx512F.ConvertToVector512Int32(Vector256.Load(bf16)), 16).AsSingle();

    /// <summary>Round to nearest, ties to even; NaN stays a (quiet) NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ushort ToBFloat16(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value)) return (ushort)((bits >> 16) | 0x40);
        return (ushort)((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
    }
}
