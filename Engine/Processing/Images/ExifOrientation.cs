using SkiaSharp;

namespace FlorenceVL.Engine.Processing.Images;

/// <summary>Turns stored pixels upright according to the EXIF orientation the codec reported.</summary>
internal static class ExifOrientation
{
    public static RgbImage Apply(RgbImage stored, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft) return stored;

        var swapsAxes = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop
            or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var (width, height) = swapsAxes ? (stored.Height, stored.Width) : (stored.Width, stored.Height);
        var upright = new byte[stored.Pixels.Length];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var (sx, sy) = StoredCoordinate(origin, x, y, stored.Width, stored.Height);
                var source = (sy * stored.Width + sx) * 3;
                var target = (y * width + x) * 3;
                upright[target] = stored.Pixels[source];
                upright[target + 1] = stored.Pixels[source + 1];
                upright[target + 2] = stored.Pixels[source + 2];
            }
        }
        return new RgbImage(width, height, upright);
    }

    // origin names where the stored first row and first column lie on the upright picture
    // (RightTop: first row on the right, first column on top, i.e. rotate 90 degrees clockwise to view).
    private static (int X, int Y) StoredCoordinate(SKEncodedOrigin origin, int x, int y, int w, int h) => origin switch
    {
        SKEncodedOrigin.TopRight => (w - 1 - x, y),
        SKEncodedOrigin.BottomRight => (w - 1 - x, h - 1 - y),
        SKEncodedOrigin.BottomLeft => (x, h - 1 - y),
        SKEncodedOrigin.LeftTop => (y, x),
        SKEncodedOrigin.RightTop => (y, h - 1 - x),
        SKEncodedOrigin.RightBottom => (w - 1 - y, h - 1 - x),
        SKEncodedOrigin.LeftBottom => (w - 1 - y, x),
        _ => (x, y),
    };
}
