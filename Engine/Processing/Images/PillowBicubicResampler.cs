namespace FlorenceVL.Engine.Processing.Images;

/// <summary>
/// PIL's two-pass bicubic resize for 8-bit RGB: a horizontal pass over only the rows the vertical pass will read,
/// rounded and clipped to uint8, then a vertical pass, rounded and clipped again. Integer accumulation makes the
/// result independent of summation order, so rows can be processed in parallel and still match Pillow exactly.
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
        Parallel.For(firstRow, endRow, y => ResampleRow(source.Row(y), output.Row(y - firstRow), kernel));
        return output;
    }

    private static void ResampleRow(ReadOnlySpan<byte> input, Span<byte> output, BicubicKernel kernel)
    {
        for (var x = 0; x < kernel.OutputSize; x++)
        {
            var weights = kernel.WeightsOf(x);
            var pixels = input.Slice(kernel.First[x] * 3, weights.Length * 3);
            int r = Half, g = Half, b = Half;
            for (var i = 0; i < weights.Length; i++)
            {
                var w = weights[i];
                r += pixels[3 * i] * w;
                g += pixels[3 * i + 1] * w;
                b += pixels[3 * i + 2] * w;
            }
            output[3 * x] = Clip(r);
            output[3 * x + 1] = Clip(g);
            output[3 * x + 2] = Clip(b);
        }
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
        for (var i = 0; i < row.Length; i++) sums[i] += row[i] * weight;
    }

    private static byte Clip(int sum) => (byte)Math.Clamp(sum >> BicubicKernel.PrecisionBits, 0, 255);
}
