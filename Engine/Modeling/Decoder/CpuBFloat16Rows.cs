using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace FlorenceVL.Engine.Modeling.Decoder;

/// <summary>
/// The element-wise pieces of a bf16 decoder layer on a few rows of raw memory, for <see cref="CpuDecodeLayer"/>. Each
/// rounds to bf16 exactly where the module path's libtorch ops do (every bf16 op computes in float32 and rounds its
/// result to nearest even), so a row comes out as the modules would give it: RMSNorm normalises in float32 and rounds
/// before the weight, rotary rounds each product and the sum, SiLU rounds before the gate's product.
/// Sizes must be whole 16-lane vectors (the layer checks); a bf16 is the upper half of a float32.
/// </summary>
internal static unsafe class CpuBFloat16Rows
{
    private const int Lanes = 16;

    /// <summary>
    /// output[r] = bf16(weight * bf16(x[r] / sqrt(mean(x[r]^2) + eps))) as float32, the next product's input. HF's
    /// RMSNorm in float32; the sum of squares runs in a different order from libtorch's mean (last-bit differences
    /// in the float32 variance, which bf16 rounding almost always hides).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RmsNorm(ushort* x, ushort* weight, float eps, int rows, int dim, float* output)
    {
        for (var r = 0; r < rows; r++, x += dim, output += dim)
        {
            var squares = Vector512<float>.Zero;
            for (var i = 0; i < dim; i += Lanes)
            {
                var v = Load(x + i);
                squares += v * v;
            }
            var scale = Vector512.Create(1f / MathF.Sqrt(Vector512.Sum(squares) / dim + eps));
            for (var i = 0; i < dim; i += Lanes)
                Round(Round(Load(x + i) * scale) * Load(weight + i)).Store(output + i);
        }
    }

    /// <summary>
    /// HF's rotate-half rotary on <paramref name="heads"/> heads of each row, in place: x' = bf16(bf16(x * cos) +
    /// bf16(rotate_half(x) * sin)). Rows are <paramref name="rowStride"/> elements apart (q and k heads lead a fused
    /// q/k/v row); cos and sin are [rows, headDim].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Rotate(ushort* x, int rows, int rowStride, int heads, int headDim, ushort* cos, ushort* sin)
    {
        var half = headDim / 2;
        var original = stackalloc float[headDim];
        for (var r = 0; r < rows; r++)
        {
            var c = cos + (long)r * headDim;
            var s = sin + (long)r * headDim;
            for (var h = 0; h < heads; h++)
            {
                var head = x + (long)r * rowStride + (long)h * headDim;
                for (var i = 0; i < headDim; i++) original[i] = Widen(head[i]);
                for (var i = 0; i < headDim; i++)
                {
                    var rotated = i < half ? -original[i + half] : original[i - half];
                    head[i] = CpuBFloat16Gemv.ToBFloat16(RoundScalar(original[i] * Widen(c[i])) + RoundScalar(rotated * Widen(s[i])));
                }
            }
        }
    }

    /// <summary>output[r, i] = bf16(bf16(silu(gate)) * up) as float32, gate and up being the two halves of a fused row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SiluTimesUp(ushort* gateUp, int rows, int intermediate, float* output)
    {
        var one = Vector512<float>.One;
        for (var r = 0; r < rows; r++, gateUp += 2L * intermediate, output += intermediate)
            for (var i = 0; i < intermediate; i += Lanes)
            {
                var gate = Load(gateUp + i);
                var silu = Round(gate / (one + Vector512.Exp(-gate)));
                Round(silu * Load(gateUp + intermediate + i)).Store(output + i);
            }
    }

    /// <summary>output = bf16(a + b) over <paramref name="count"/> elements (the residual adds).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add(ushort* a, ushort* b, long count, ushort* output)
    {
        for (long i = 0; i < count; i += Lanes) Narrow(Load(a + i) + Load(b + i)).Store(output + i);
    }

    /// <summary>Rounds float32 values to bf16 precision in place (an attention output becoming the next product's input).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RoundInPlace(float* values, long count)
    {
        for (long i = 0; i < count; i += Lanes) Round(Vector512.Load(values + i)).Store(values + i);
    }

    /// <summary>16 bf16 widened to float32 (exact).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(ushort* bf16) =>
        Vector512.ShiftLeft(Vector512.WidenLower(Vector256.Load(bf16).ToVector512Unsafe()), 16).AsSingle();

    /// <summary>Float32 rounded to the nearest bf16 (ties to even), still as float32; NaN stays NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Round(Vector512<float> value)
    {
        var bits = value.AsUInt32();
        var rounded = (bits + Vector512.Create(0x7FFFu) + ((bits >> 16) & Vector512<uint>.One)) & Vector512.Create(0xFFFF0000u);
        return Vector512.ConditionalSelect(Vector512.Equals(value, value).AsUInt32(), rounded, bits | Vector512.Create(0x00400000u)).AsSingle();
    }

    /// <summary>Float32 rounded to bf16 and stored as 16 bf16.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ushort> Narrow(Vector512<float> value) => Vector512.Narrow(Round(value).AsUInt32() >> 16, Vector512<uint>.Zero).GetLower();

    private static float Widen(ushort bf16) => BitConverter.UInt32BitsToSingle((uint)bf16 << 16);

    private static float RoundScalar(float value) => Widen(CpuBFloat16Gemv.ToBFloat16(value));
}
