namespace FlorenceVL.Engine.Processing.Images;

/// <summary>
/// Fixed-point bicubic weights for resampling one axis, computed as Pillow's resample does so results match
/// PIL's <c>Image.resize(..., BICUBIC)</c> bit for bit: Keys cubic with a = -0.5, support widened by the
/// downscale factor (antialiasing), weights normalised to sum 1 and then rounded to 22 fractional bits.
/// </summary>
internal sealed class BicubicKernel
{
    /// <summary>Fractional bits of the weights: 8 bits of pixel, 2 of headroom for negative lobes, in 32 bits.</summary>
    public const int PrecisionBits = 32 - 8 - 2;

    private const double A = -0.5;
    private const double Support = 2.0;

    private BicubicKernel(int outputSize, int taps, int[] first, int[] count, int[] weights)
    {
        OutputSize = outputSize;
        Taps = taps;
        First = first;
        Count = count;
        Weights = weights;
    }

    public int OutputSize { get; }

    /// <summary>Stride of <see cref="Weights"/>: the most inputs any output reads.</summary>
    public int Taps { get; }

    /// <summary>First input index each output reads.</summary>
    public int[] First { get; }

    /// <summary>How many inputs each output reads.</summary>
    public int[] Count { get; }

    public int[] Weights { get; }

    public ReadOnlySpan<int> WeightsOf(int output) => Weights.AsSpan(output * Taps, Count[output]);

    public static BicubicKernel Create(int inputSize, int outputSize)
    {
        var scale = (double)inputSize / outputSize;
        var filterScale = Math.Max(scale, 1.0);
        var support = Support * filterScale;
        var taps = (int)Math.Ceiling(support) * 2 + 1;
        var first = new int[outputSize];
        var count = new int[outputSize];
        var weights = new int[outputSize * taps];
        var row = new double[taps];
        for (var output = 0; output < outputSize; output++)
        {
            var center = (output + 0.5) * scale;
            // Pillow rounds with a truncating (int) cast; negative starts are clamped to 0 anyway.
            var min = Math.Max((int)(center - support + 0.5), 0);
            var n = Math.Min((int)(center + support + 0.5), inputSize) - min;
            FillNormalised(row.AsSpan(0, n), min, center, 1.0 / filterScale);
            Quantise(row.AsSpan(0, n), weights.AsSpan(output * taps, n));
            first[output] = min;
            count[output] = n;
        }
        return new BicubicKernel(outputSize, taps, first, count, weights);
    }

    private static void FillNormalised(Span<double> row, int min, double center, double inverseFilterScale)
    {
        var total = 0.0;
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = Cubic((i + min - center + 0.5) * inverseFilterScale);
            total += row[i];
        }
        if (total == 0.0) return;
        for (var i = 0; i < row.Length; i++) row[i] /= total;
    }

    private static void Quantise(ReadOnlySpan<double> row, Span<int> fixedPoint)
    {
        const double one = 1 << PrecisionBits;
        for (var i = 0; i < row.Length; i++)
        {
            fixedPoint[i] = row[i] < 0 ? (int)(-0.5 + row[i] * one) : (int)(0.5 + row[i] * one);
        }
    }

    private static double Cubic(double x)
    {
        x = Math.Abs(x);
        if (x < 1.0) return ((A + 2.0) * x - (A + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * A;
        return 0.0;
    }
}
