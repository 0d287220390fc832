using FlorenceVL.Training.Checkpointing;
using SkiaSharp;

namespace FlorenceVL.Training.Logging;

/// <summary>Draws the training loss against the step as a PNG (axes with min/max labels, raw points and a smoothed line).</summary>
public static class LossCurvePlot
{
    private const int Width = 800;
    private const int Height = 480;
    private const float Margin = 56f;

    public static void Write(string path, IReadOnlyList<LossPoint> points, string title)
    {
        using var surface = SKSurface.Create(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var font = new SKFont(Datasets.Shapes.EmbeddedFont.DejaVuSansBold, 13);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true, StrokeWidth = 1 };
        canvas.DrawText(title, Margin, 24, SKTextAlign.Left, font, ink);
        canvas.DrawLine(Margin, Height - Margin, Width - Margin / 2, Height - Margin, ink);
        canvas.DrawLine(Margin, Margin, Margin, Height - Margin, ink);
        if (points.Count > 0) DrawSeries(canvas, points, font, ink);
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, png.ToArray());
    }

    private static void DrawSeries(SKCanvas canvas, IReadOnlyList<LossPoint> points, SKFont font, SKPaint ink)
    {
        var (minStep, maxStep) = (points.Min(p => p.Step), Math.Max(points.Max(p => p.Step), points.Min(p => p.Step) + 1));
        var (minLoss, maxLoss) = (points.Min(p => p.Loss), points.Max(p => p.Loss));
        if (maxLoss - minLoss < 1e-9) maxLoss = minLoss + 1;
        SKPoint At(double step, double loss) => new(
            Margin + (float)((step - minStep) / (maxStep - minStep)) * (Width - 1.5f * Margin),
            Height - Margin - (float)((loss - minLoss) / (maxLoss - minLoss)) * (Height - 2 * Margin));
        using var dots = new SKPaint { Color = new SKColor(120, 160, 220), IsAntialias = true };
        foreach (var point in points) canvas.DrawCircle(At(point.Step, point.Loss), 2.5f, dots);
        using var line = new SKPaint { Color = new SKColor(200, 40, 40), IsAntialias = true, StrokeWidth = 2, Style = SKPaintStyle.Stroke };
        var smoothed = Smooth(points.Select(p => p.Loss).ToList());
        for (var i = 1; i < points.Count; i++)
            canvas.DrawLine(At(points[i - 1].Step, smoothed[i - 1]), At(points[i].Step, smoothed[i]), line);
        canvas.DrawText($"{maxLoss:F3}", 4, Margin + 4, SKTextAlign.Left, font, ink);
        canvas.DrawText($"{minLoss:F3}", 4, Height - Margin, SKTextAlign.Left, font, ink);
        canvas.DrawText($"step {minStep}", Margin, Height - Margin + 20, SKTextAlign.Left, font, ink);
        canvas.DrawText($"step {maxStep}", Width - Margin / 2, Height - Margin + 20, SKTextAlign.Right, font, ink);
    }

    /// <summary>Debiased exponential moving average (TensorBoard's smoothing); lighter for short runs so it does not lag.</summary>
    private static double[] Smooth(IReadOnlyList<double> values)
    {
        var weight = values.Count < 50 ? 0.6 : 0.9;
        var smoothed = new double[values.Count];
        var average = 0.0;
        for (var i = 0; i < values.Count; i++)
        {
            average = weight * average + (1 - weight) * values[i];
            smoothed[i] = average / (1 - Math.Pow(weight, i + 1));
        }
        return smoothed;
    }
}
