using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FlorenceVL.Engine.Processing.Images;

/// <summary>
/// PIL's two-pass bicubic resize for 8-bit RGB: a horizontal pass over only the rows the vertical pass will read,
/// rounded and clipped to uint8, then a vertical pass, rounded and clipped again. Integer accumulation makes the
/// result independent of summation order, so rows can run in parallel and the vertical pass can use SIMD while
/// still matching Pillow exactly.
/// </summary>
internal static class PillowBicubicResampler
{
    private const int Half = 1 << (BicubicKernel.PrecisionBits - 1);

    public static RgbImage Resize(RgbImage source, int width, int height)
    {
        var needsHorizontal = width != source.Width;
        var needsVertical = height != source.Height;
        if (!needsHorizontal && !needsVertical) return source;

        var vertical = BicubicKernel.Create(source.Height, height);
        var firstRow = vertical.First[0];
        var endRow = vertical.First[height - 1] + vertical.Count[height - 1];

        var (rows, rowOffset) = needsHorizontal
            ? (ResizeRows(source, BicubicKernel.Create(source.Width, width), firstRow, endRow), firstRow)
            : (source, 0);
        return needsVertical ? ResizeColumns(rows, vertical, rowOffset) : rows;
    }

    private static RgbImage ResizeRows(RgbImage source, BicubicKernel kernel, int firstRow, int endRow)
    {
        var output = new RgbImage(kernel.OutputSize, endRow - firstRow, new byte[kernel.OutputSize * (endRow - firstRow) * 3]);
        // Padding bands are runs of identical rows: resample the first of each run, copy the result to the rest.
        var repeats = new bool[endRow - firstRow];
        Parallel.For(firstRow, endRow, y =>
        {
            repeats[y - firstRow] = y > firstRow && source.Row(y).SequenceEqual(source.Row(y - 1));
            if (!repeats[y - firstRow]) ResampleRow(source.Row(y), output.Row(y - firstRow), kernel);
        });
        for (var y = 1; y < repeats.Length; y++)
        {
            if (repeats[y]) output.Row(y - 1).CopyTo(output.Row(y));
        }
        return output;
    }

    private static void ResampleRow(ReadOnlySpan<byte> input, Span<byte> output, BicubicKernel kernel)
    {
        ref var inputStart = ref MemoryMarshal.GetReference(input);
        ref var weightStart = ref MemoryMarshal.GetArrayDataReference(kernel.Weights);
        for (var x = 0; x < kernel.OutputSize; x++)
        {
            ref var pixel = ref Unsafe.Add(ref inputStart, kernel.First[x] * 3);
            ref var weight = ref Unsafe.Add(ref weightStart, x * kernel.Taps);
            var count = kernel.Count[x];
            // The SIMD path reads each pixel as 4 bytes, one past its blue; it may not run off the row.
            var sums = (kernel.First[x] + count) * 3 < input.Length
                ? WeightedSumRgbx(ref pixel, ref weight, count)
                : WeightedSumRgb(ref pixel, ref weight, count);
            output[3 * x] = Clip(sums.GetElement(0));
            output[3 * x + 1] = Clip(sums.GetElement(1));
            output[3 * x + 2] = Clip(sums.GetElement(2));
        }
    }

    private static Vector128<int> WeightedSumRgbx(ref byte pixel, ref int weight, int count)
    {
        var sums = Vector128.Create(Half);
        for (var i = 0; i < count; i++)
        {
            var rgbx = Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref pixel, 3 * i))).AsByte();
            var channels = Vector128.WidenLower(Vector128.WidenLower(rgbx)).AsInt32();
            sums += channels * Vector128.Create(Unsafe.Add(ref weight, i));
        }
        return sums;
    }

    private static Vector128<int> WeightedSumRgb(ref byte pixel, ref int weight, int count)
    {
        int r = Half, g = Half, b = Half;
        for (var i = 0; i < count; i++)
        {
            var w = Unsafe.Add(ref weight, i);
            r += Unsafe.Add(ref pixel, 3 * i) * w;
            g += Unsafe.Add(ref pixel, 3 * i + 1) * w;
            b += Unsafe.Add(ref pixel, 3 * i + 2) * w;
        }
        return Vector128.Create(r, g, b, 0);
    }

    private static RgbImage ResizeColumns(RgbImage rows, BicubicKernel kernel, int rowOffset)
    {
        var output = new RgbImage(rows.Width, kernel.OutputSize, new byte[rows.Width * kernel.OutputSize * 3]);
        Parallel.For(0, kernel.OutputSize,
            () => new int[rows.Stride],
            (y, _, sums) =>
            {
                ResampleColumnRow(rows, kernel, y, rowOffset, sums, output.Row(y));
                return sums;
            },
            _ => { });
        return output;
    }

    // Walks whole input rows (cache friendly) and accumulates one output row in integer sums.
    private static void ResampleColumnRow(RgbImage rows, BicubicKernel kernel, int y, int rowOffset, int[] sums, Span<byte> output)
    {
        Array.Fill(sums, Half);
        var weights = kernel.WeightsOf(y);
        var first = kernel.First[y] - rowOffset;
        for (var i = 0; i < weights.Length; i++)
        {
            AddScaled(rows.Row(first + i), weights[i], sums);
        }
        for (var i = 0; i < output.Length; i++) output[i] = Clip(sums[i]);
    }

    private static void AddScaled(ReadOnlySpan<byte> row, int weight, Span<int> sums)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var scale = new Vector<int>(weight);
            var intsPerVector = Vector<int>.Count;
            for (; i <= row.Length - Vector<byte>.Count; i += Vector<byte>.Count)
            {
                Vector.Widen(new Vector<byte>(row[i..]), out var low, out var high);
                Vector.Widen(low, out var q0, out var q1);
                Vector.Widen(high, out var q2, out var q3);
                var target = sums[i..];
                Accumulate(target, Vector.AsVectorInt32(q0) * scale);
                Accumulate(target[intsPerVector..], Vector.AsVectorInt32(q1) * scale);
                Accumulate(target[(2 * intsPerVector)..], Vector.AsVectorInt32(q2) * scale);
                Accumulate(target[(3 * intsPerVector)..], Vector.AsVectorInt32(q3) * scale);
            }
        }
        for (; i < row.Length; i++) sums[i] += row[i] * weight;
    }

    private static void Accumulate(Span<int> target, Vector<int> addend) => (new Vector<int>(target) + addend).CopyTo(target);

    private static byte Clip(int sum) => (byte)Math.Clamp(sum >> BicubicKernel.PrecisionBits, 0, 255);
}
