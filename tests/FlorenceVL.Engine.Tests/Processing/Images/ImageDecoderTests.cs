using FlorenceVL.Engine.Processing.Images;
using SkiaSharp;

namespace FlorenceVL.Engine.Tests.Processing.Images;

public class ImageDecoderTests
{
    private static readonly ImagePreprocessConfig Config = new();

    [Fact]
    public void Jpeg_with_exif_orientation_6_is_turned_upright()
    {
        // Stored 40 wide x 20 tall: left half red, right half blue. Orientation 6 means "rotate 90 degrees
        // clockwise to view", so the upright picture is 20 x 40 with red on top and blue below.
        using var bitmap = TestImages.Bitmap(40, 20, SplitLeftRight(40, 20, SKColors.Red, SKColors.Blue));
        var plain = TestImages.Jpeg(bitmap);

        var stored = ImageDecoder.Decode(plain, Config);
        var upright = ImageDecoder.Decode(TestImages.WithExifOrientation(plain, 6), Config);

        Assert.Equal((40, 20), (stored.Width, stored.Height));
        Assert.Equal((20, 40), (upright.Width, upright.Height));
        AssertNear(SKColors.Red, Pixel(upright, 10, 5), tolerance: 8);
        AssertNear(SKColors.Blue, Pixel(upright, 10, 35), tolerance: 8);
    }

    [Fact]
    public void Transparent_png_is_composited_onto_the_padding_colour()
    {
        var rgba = TestImages.PatternRgba(3, 1);
        rgba[3] = 0;     // pixel 0 fully transparent
        rgba[7] = 128;   // pixel 1 half transparent; pixel 2 stays opaque
        using var bitmap = TestImages.Bitmap(3, 1, rgba);

        var decoded = ImageDecoder.Decode(TestImages.Png(bitmap), Config);

        var pad = Config.PaddingColor;
        Assert.Equal(new SKColor(pad.R, pad.G, pad.B), Pixel(decoded, 0, 0));
        AssertNear(Blend(rgba.AsSpan(4, 3), 128 / 255.0, pad), Pixel(decoded, 1, 0), tolerance: 1);
        Assert.Equal(new SKColor(rgba[8], rgba[9], rgba[10]), Pixel(decoded, 2, 0));
    }

    [Fact]
    public void Greyscale_png_becomes_rgb_with_equal_channels()
    {
        var grey = Enumerable.Range(0, 16).Select(i => (byte)(i * 17)).ToArray();
        using var bitmap = TestImages.Bitmap(4, 4, grey, SKColorType.Gray8);
        var png = TestImages.Png(bitmap);
        Assert.Equal(0, png[25]); // IHDR colour type 0: the file really is greyscale

        var decoded = ImageDecoder.Decode(png, Config);

        for (var i = 0; i < grey.Length; i++)
        {
            Assert.Equal(new SKColor(grey[i], grey[i], grey[i]), Pixel(decoded, i % 4, i / 4));
        }
    }

    [Fact]
    public void Palette_gif_decodes_its_first_frame_to_rgb()
    {
        byte[] palette = [255, 0, 0, 0, 255, 0, 0, 0, 255, 250, 250, 250];
        byte[] first = [0, 1, 2, 3, 3, 2, 1, 0];
        byte[] second = [3, 3, 3, 3, 3, 3, 3, 3];

        var decoded = ImageDecoder.Decode(TestImages.PaletteGif(4, 2, palette, first, second), Config);

        Assert.Equal((4, 2), (decoded.Width, decoded.Height));
        for (var i = 0; i < first.Length; i++)
        {
            var entry = first[i] * 3;
            Assert.Equal(new SKColor(palette[entry], palette[entry + 1], palette[entry + 2]), Pixel(decoded, i % 4, i / 4));
        }
    }

    [Fact]
    public void Lossless_webp_decodes_to_the_exact_pixels()
    {
        var rgba = TestImages.PatternRgba(17, 9);
        using var bitmap = TestImages.Bitmap(17, 9, rgba);

        var decoded = ImageDecoder.Decode(TestImages.LosslessWebp(bitmap), Config);

        Assert.Equal(RgbOf(rgba), decoded.Pixels);
    }

    [Fact]
    public void Bmp_decodes_to_the_exact_pixels_top_row_first()
    {
        var rgb = RgbOf(TestImages.PatternRgba(5, 3));

        var decoded = ImageDecoder.Decode(TestImages.Bmp24(5, 3, rgb), Config);

        Assert.Equal((5, 3), (decoded.Width, decoded.Height));
        Assert.Equal(rgb, decoded.Pixels);
    }

    private static byte[] SplitLeftRight(int width, int height, SKColor left, SKColor right)
    {
        var rgba = new byte[width * height * 4];
        for (var i = 0; i < width * height; i++)
        {
            var color = i % width < width / 2 ? left : right;
            (rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2], rgba[4 * i + 3]) = (color.Red, color.Green, color.Blue, 255);
        }
        return rgba;
    }

    private static byte[] RgbOf(byte[] rgba) =>
        rgba.Where((_, i) => i % 4 != 3).ToArray();

    private static SKColor Blend(ReadOnlySpan<byte> rgb, double alpha, RgbColor background) => new(
        (byte)Math.Round(rgb[0] * alpha + background.R * (1 - alpha)),
        (byte)Math.Round(rgb[1] * alpha + background.G * (1 - alpha)),
        (byte)Math.Round(rgb[2] * alpha + background.B * (1 - alpha)));

    private static SKColor Pixel(RgbImage image, int x, int y)
    {
        var i = (y * image.Width + x) * 3;
        return new SKColor(image.Pixels[i], image.Pixels[i + 1], image.Pixels[i + 2]);
    }

    private static void AssertNear(SKColor expected, SKColor actual, int tolerance)
    {
        var distance = Math.Max(Math.Abs(expected.Red - actual.Red),
            Math.Max(Math.Abs(expected.Green - actual.Green), Math.Abs(expected.Blue - actual.Blue)));
        Assert.True(distance <= tolerance, $"expected {expected}, got {actual}");
    }
}
