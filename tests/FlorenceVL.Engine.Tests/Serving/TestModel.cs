using FlorenceVL.Engine.Serving;
using SkiaSharp;

namespace FlorenceVL.Engine.Tests.Serving;

/// <summary>The repository's tiny test model (models/florence-vl-tiny) and helpers to drive a real engine with it.</summary>
internal static class TestModel
{
    public static string Directory { get; } = Repository.Path("models", "florence-vl-tiny");

    public static EngineOptions Options(Func<EngineOptions, EngineOptions>? adjust = null)
    {
        var options = new EngineOptions { ModelPath = Directory, KvCacheBytes = 8L * 1024 * 1024, WarmUp = false };
        return adjust is null ? options : adjust(options);
    }

    /// <summary>A real PNG: a coloured rectangle and circle on a background, different for every seed.</summary>
    public static byte[] Png(int seed, int width = 120, int height = 90)
    {
        var random = new Random(seed);
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
            using var paint = new SKPaint { Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)) };
            canvas.DrawRect(random.Next(width / 2), random.Next(height / 2), width / 3f, height / 3f, paint);
            paint.Color = new SKColor((byte)random.Next(256), 40, 200);
            canvas.DrawCircle(random.Next(width), random.Next(height), 15, paint);
        }
        using var image = SKImage.FromBitmap(bitmap);
        return image.Encode(SKEncodedImageFormat.Png, 100).ToArray();
    }
}
