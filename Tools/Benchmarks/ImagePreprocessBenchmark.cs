using System.Diagnostics;
using SkiaSharp;

namespace FlorenceVL.Engine.Processing.Images;

/// <summary>
/// Median time to turn a 1920x1080 JPEG into a 768x768 pixel tensor, against a naive SkiaSharp path
/// (SKBitmap decode, canvas padding, Catmull-Rom cubic resize, per-pixel GetPixel normalisation). Not a test:
/// the lead's <c>bench</c> command calls it.
/// </summary>
public static class ImagePreprocessBenchmark
{
    private const int WarmUps = 5;
    private const int Runs = 21;

    public static void Run(TextWriter output)
    {
        var jpeg = SyntheticPhoto(1920, 1080, quality: 90);
        var config = new ImagePreprocessConfig();
        var preprocessor = new ImagePreprocessor(config);

        var decode = Time(() => ImageDecoder.Decode(jpeg, config));
        var fast = Time(() => preprocessor.Preprocess(jpeg));
        var naive = Time(() => NaivePreprocess(jpeg, config));
        var difference = MeanAbsoluteDifference(preprocessor.Preprocess(jpeg).PixelValues, NaivePreprocess(jpeg, config));

        output.WriteLine($"Image preprocessing, 1920x1080 JPEG ({jpeg.Length / 1024} KiB, q90) -> [3,768,768] float32; " +
                         $"{Runs} runs after {WarmUps} warm-ups, {Environment.ProcessorCount} cores");
        output.WriteLine("                                          median ms   min ms");
        Row(output, "decode only (SkiaSharp, upright RGB)", decode);
        Row(output, "ImagePreprocessor (PIL-exact bicubic)", fast);
        Row(output, "naive SkiaSharp resize + GetPixel loop", naive);
        output.WriteLine($"  naive / ImagePreprocessor (median): {naive.Median / fast.Median:F2} x, (min): {naive.Min / fast.Min:F2} x");
        output.WriteLine($"  naive path's mean |difference| from the PIL-exact result: {difference:F4} (normalised units)");
    }

    private static void Row(TextWriter output, string label, (double Median, double Min) time) =>
        output.WriteLine($"  {label,-40}{time.Median,9:F2}{time.Min,9:F2}");

    private static (double Median, double Min) Time(Action action)
    {
        for (var i = 0; i < WarmUps; i++) action();
        var times = new double[Runs];
        for (var i = 0; i < Runs; i++)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        return (times[Runs / 2], times[0]);
    }

    private static float[] NaivePreprocess(byte[] jpeg, ImagePreprocessConfig config)
    {
        using var decoded = SKBitmap.Decode(jpeg);
        var side = Math.Max(decoded.Width, decoded.Height);
        using var square = new SKBitmap(side, side);
        using (var canvas = new SKCanvas(square))
        {
            canvas.Clear(new SKColor(config.PaddingColor.R, config.PaddingColor.G, config.PaddingColor.B));
            using var image = SKImage.FromBitmap(decoded);
            canvas.DrawImage(image, (side - decoded.Width) / 2, (side - decoded.Height) / 2, SKSamplingOptions.Default);
        }
        var size = config.ImageSize;
        using var resized = square.Resize(new SKImageInfo(size, size), new SKSamplingOptions(SKCubicResampler.CatmullRom));
        var chw = new float[3 * size * size];
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var pixel = resized.GetPixel(x, y);
                chw[y * size + x] = (pixel.Red / 255f - config.Mean.R) / config.Std.R;
                chw[size * size + y * size + x] = (pixel.Green / 255f - config.Mean.G) / config.Std.G;
                chw[2 * size * size + y * size + x] = (pixel.Blue / 255f - config.Mean.B) / config.Std.B;
            }
        }
        return chw;
    }

    private static double MeanAbsoluteDifference(float[] a, float[] b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++) sum += Math.Abs(a[i] - b[i]);
        return sum / a.Length;
    }

    /// <summary>Gradients and shapes, so the JPEG has both smooth areas and edges, like a photo with objects.</summary>
    internal static byte[] SyntheticPhoto(int width, int height, int quality)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint { IsAntialias = true })
        {
            paint.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height),
                [SKColors.SkyBlue, SKColors.Orange, SKColors.DarkGreen], SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, width, height, paint);
            paint.Shader = null;
            var random = new Random(42);
            for (var i = 0; i < 60; i++)
            {
                paint.Color = new SKColor((uint)random.Next()).WithAlpha((byte)random.Next(128, 256));
                var (x, y, r) = (random.Next(width), random.Next(height), random.Next(10, 160));
                if (i % 2 == 0) canvas.DrawCircle(x, y, r, paint);
                else canvas.DrawRect(x, y, r * 1.6f, r, paint);
            }
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }
}
