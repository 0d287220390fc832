using SkiaSharp;

namespace FlorenceVL.Training.Datasets.Shapes;

/// <summary>Draws a <see cref="Scene"/> as a PNG with SkiaSharp (antialiased shapes, a bold word in black or its ink).</summary>
public static class SceneRenderer
{
    private static readonly SKColor White = new(255, 255, 255);
    private static readonly SKColor LightGrey = new(225, 225, 225);

    public static byte[] RenderPng(Scene scene)
    {
        var info = new SKImageInfo(scene.ImageSize, scene.ImageSize, SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var surface = SKSurface.Create(info);
        var canvas = surface.Canvas;
        canvas.Clear(scene.Background is { } background ? new SKColor(background.R, background.G, background.B) : scene.IsGreyBackground ? LightGrey : White);
        foreach (var item in scene.Objects) DrawObject(canvas, item);
        if (scene.Word is { } word) DrawWord(canvas, word);
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private static void DrawObject(SKCanvas canvas, SceneObject item)
    {
        using var paint = new SKPaint { Color = new SKColor(item.Color.R, item.Color.G, item.Color.B), IsAntialias = true, Style = SKPaintStyle.Fill };
        var half = item.Size / 2;
        switch (item.Shape)
        {
            case ShapeKind.Circle:
                canvas.DrawCircle(item.CenterX, item.CenterY, half, paint);
                break;
            case ShapeKind.Square:
                canvas.DrawRect(item.CenterX - half, item.CenterY - half, item.Size, item.Size, paint);
                break;
            case ShapeKind.Triangle:
            {
                using var triangle = Triangle(item.CenterX, item.CenterY, half);
                canvas.DrawPath(triangle, paint);
                break;
            }
        }
    }

    private static SKPath Triangle(float centerX, float centerY, float half)
    {
        using var builder = new SKPathBuilder();
        builder.MoveTo(centerX, centerY - half);
        builder.LineTo(centerX + half, centerY + half);
        builder.LineTo(centerX - half, centerY + half);
        builder.Close();
        return builder.Detach();
    }

    private static void DrawWord(SKCanvas canvas, SceneWord word)
    {
        using var font = WordFont(word);
        using var paint = new SKPaint { Color = word.Ink is { } ink ? new SKColor(ink.R, ink.G, ink.B) : SKColors.Black, IsAntialias = true };
        var (x, y) = WordOrigin(font, word);
        canvas.DrawText(word.Text, x, y, SKTextAlign.Left, font, paint);
    }

    /// <summary>The box the word's ink covers in the image, which the sampler keeps inside the image.</summary>
    public static SKRect WordInkBounds(SceneWord word)
    {
        using var font = WordFont(word);
        var (x, y) = WordOrigin(font, word);
        font.MeasureText(word.Text, out var ink);
        ink.Offset(x, y);
        return ink;
    }

    private static SKFont WordFont(SceneWord word) => new(EmbeddedFont.DejaVuSansBold, word.FontSize) { Edging = SKFontEdging.Antialias };

    /// <summary>Where the baseline starts so the word's advance is centred on CenterX and its capitals' box on CenterY (not the line box).</summary>
    private static (float X, float Y) WordOrigin(SKFont font, SceneWord word)
    {
        var width = font.MeasureText(word.Text);
        font.MeasureText("X", out var capBounds);
        return (word.CenterX - width / 2, word.CenterY - capBounds.MidY);
    }
}
