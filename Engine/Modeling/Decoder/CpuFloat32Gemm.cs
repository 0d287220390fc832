using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FlorenceVL.Engine.Modeling.Decoder;

/// <summary>
/// y[M, N] = x[M, K] . w[N, K]^T in float32 with AVX-512, reading the weight in its own [out, in] layout (no packed
/// copy): each output is a dot product over K held in 16 lanes, tiles of 6 input rows by 4 weight rows keep 24
/// accumulators in registers, and one reduction turns a row's 4 accumulators into 4 outputs.
/// <para>
/// Every output is summed in the same order whatever M is and whichever tile computed it, so a row's result does not
/// depend on what else is in the batch. Inputs are taken 96 rows at a time (a 96 x 1536 block is 576 KiB, within L2)
/// so that large prefills re-read the weights from the last-level cache rather than the inputs from memory.
/// </para>
/// </summary>
internal static unsafe class CpuFloat32Gemm
{
    private const int Lanes = 16;
    private const int TileRows = 6;
    private const int TileColumns = 4;
    private const int RowBlock = 96;

    /// <summary>Shapes the kernel handles: whole vectors along K and whole tiles along N.</summary>
    public static bool Fits(long n, long k) => k > 0 && k % Lanes == 0 && n > 0 && n % TileColumns == 0;

    /// <summary>
    /// Outputs [firstColumn, endColumn) of every row; both multiples of 4 (workers take disjoint ranges). Optimised at
    /// first call, as every method here: tier-0 code of these intrinsics is several times slower (`bench projections`).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(float* x, int m, float* w, int n, int k, float* y, int firstColumn, int endColumn)
    {
        for (var rowStart = 0; rowStart < m; rowStart += RowBlock)
        {
            var rows = Math.Min(RowBlock, m - rowStart);
            var xBlock = x + (long)rowStart * k;
            var yBlock = y + (long)rowStart * n;
            for (var column = firstColumn; column < endColumn; column += TileColumns)
            {
                var weights = w + (long)column * k;
                var next = column + TileColumns < endColumn ? weights + (long)TileColumns * k : null;
                Columns(xBlock, rows, weights, next, k, yBlock + column, n);
            }
        }
    }

    /// <summary>
    /// Four outputs (weight rows w..w+3) for <paramref name="rows"/> input rows. The first tile also fetches the next
    /// four weight rows (<paramref name="next"/>, null at the end), a line of each per step: the weights stream from
    /// memory once per call, and in 2 KiB rows read four at a time the hardware prefetcher starts too late (the
    /// 32064-wide head at batch 32: 15 ms with this against 17 ms without).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Columns(float* x, int rows, float* w, float* next, int k, float* y, int n)
    {
        var row = 0;
        for (; row + TileRows <= rows; row += TileRows, next = null) Tile6(x + (long)row * k, w, next, k, y + (long)row * n, n);
        for (; row + 2 <= rows; row += 2, next = null) Tile2(x + (long)row * k, w, next, k, y + (long)row * n, n);
        for (; row < rows; row++, next = null) Tile1(x + (long)row * k, w, next, k, y + (long)row * n);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile6(float* x, float* w, float* next, int k, float* y, int n)
    {
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<float> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<float> c30 = default, c31 = default, c32 = default, c33 = default;
        Vector512<float> c40 = default, c41 = default, c42 = default, c43 = default;
        Vector512<float> c50 = default, c51 = default, c52 = default, c53 = default;
        float* w1 = w + k, w2 = w + 2L * k, w3 = w + 3L * k;
        float* x1 = x + k, x2 = x + 2L * k, x3 = x + 3L * k, x4 = x + 4L * k, x5 = x + 5L * k;
        for (var i = 0; i < k; i += Lanes)
        {
            if (next != null) Prefetch(next + i, k);
            var b0 = Vector512.Load(w + i);
            var b1 = Vector512.Load(w1 + i);
            var b2 = Vector512.Load(w2 + i);
            var b3 = Vector512.Load(w3 + i);
            var a = Vector512.Load(x + i);
            c00 = Fma(a, b0, c00); c01 = Fma(a, b1, c01); c02 = Fma(a, b2, c02); c03 = Fma(a, b3, c03);
            a = Vector512.Load(x1 + i);
            c10 = Fma(a, b0, c10); c11 = Fma(a, b1, c11); c12 = Fma(a, b2, c12); c13 = Fma(a, b3, c13);
            a = Vector512.Load(x2 + i);
            c20 = Fma(a, b0, c20); c21 = Fma(a, b1, c21); c22 = Fma(a, b2, c22); c23 = Fma(a, b3, c23);
            a = Vector512.Load(x3 + i);
            c30 = Fma(a, b0, c30); c31 = Fma(a, b1, c31); c32 = Fma(a, b2, c32); c33 = Fma(a, b3, c33);
            a = Vector512.Load(x4 + i);
            c40 = Fma(a, b0, c40); c41 = Fma(a, b1, c41); c42 = Fma(a, b2, c42); c43 = Fma(a, b3, c43);
            a = Vector512.Load(x5 + i);
            c50 = Fma(a, b0, c50); c51 = Fma(a, b1, c51); c52 = Fma(a, b2, c52); c53 = Fma(a, b3, c53);
        }
        Reduce(c00, c01, c02, c03).Store(y);
        Reduce(c10, c11, c12, c13).Store(y + n);
        Reduce(c20, c21, c22, c23).Store(y + 2L * n);
        Reduce(c30, c31, c32, c33).Store(y + 3L * n);
        Reduce(c40, c41, c42, c43).Store(y + 4L * n);
        Reduce(c50, c51, c52, c53).Store(y + 5L * n);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile2(float* x, float* w, float* next, int k, float* y, int n)
    {
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<float> c10 = default, c11 = default, c12 = default, c13 = default;
        float* w1 = w + k, w2 = w + 2L * k, w3 = w + 3L * k;
        var x1 = x + k;
        for (var i = 0; i < k; i += Lanes)
        {
            if (next != null) Prefetch(next + i, k);
            var b0 = Vector512.Load(w + i);
            var b1 = Vector512.Load(w1 + i);
            var b2 = Vector512.Load(w2 + i);
            var b3 = Vector512.Load(w3 + i);
            var a = Vector512.Load(x + i);
            c00 = Fma(a, b0, c00); c01 = Fma(a, b1, c01); c02 = Fma(a, b2, c02); c03 = Fma(a, b3, c03);
            a = Vector512.Load(x1 + i);
            c10 = Fma(a, b0, c10); c11 = Fma(a, b1, c11); c12 = Fma(a, b2, c12); c13 = Fma(a, b3, c13);
        }
        Reduce(c00, c01, c02, c03).Store(y);
        Reduce(c10, c11, c12, c13).Store(y + n);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1(float* x, float* w, float* next, int k, float* y)
    {
        Vector512<float> c00 = default, c01 = default, c02 = default, c03 = default;
        float* w1 = w + k, w2 = w + 2L * k, w3 = w + 3L * k;
        for (var i = 0; i < k; i += Lanes)
        {
            if (next != null) Prefetch(next + i, k);
            var a = Vector512.Load(x + i);
            c00 = Fma(a, Vector512.Load(w + i), c00);
            c01 = Fma(a, Vector512.Load(w1 + i), c01);
            c02 = Fma(a, Vector512.Load(w2 + i), c02);
            c03 = Fma(a, Vector512.Load(w3 + i), c03);
        }
        Reduce(c00, c01, c02, c03).Store(y);
    }

    /// <summary>The line at <paramref name="row"/> in each of four weight rows <paramref name="k"/> apart.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Prefetch(float* row, int k)
    {
        Sse.Prefetch0(row);
        Sse.Prefetch0(row + k);
        Sse.Prefetch0(row + 2L * k);
        Sse.Prefetch0(row + 3L * k);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Avx512F.FusedMultiplyAdd(a, b, c);

    /// <summary>The lane sums of four accumulators as one vector (the same tree for every output).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Reduce(Vector512<float> c0, Vector512<float> c1, Vector512<float> c2, Vector512<float> c3)
    {
        var (h0, h1, h2, h3) = (c0.GetLower() + c0.GetUpper(), c1.GetLower() + c1.GetUpper(), c2.GetLower() + c2.GetUpper(), c3.GetLower() + c3.GetUpper());
        var (q0, q1, q2, q3) = (h0.GetLower() + h0.GetUpper(), h1.GetLower() + h1.GetUpper(), h2.GetLower() + h2.GetUpper(), h3.GetLower() + h3.GetUpper());
        return Sse3.HorizontalAdd(Sse3.HorizontalAdd(q0, q1), Sse3.HorizontalAdd(q2, q3));
    }
}
