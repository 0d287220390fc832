using FlorenceVL.Engine.Processing.Images;
using SkiaSharp;

namespace FlorenceVL.Engine.Tests.Processing.Images;

public class ImageRefusalTests
{
    private static readonly ImagePreprocessor Preprocessor = new(new ImagePreprocessConfig { ImageSize = 32 });

    [Fact]
    public void Zero_bytes_are_refused_as_empty() =>
        AssertRefused(ImageErrorCode.Empty, "empty", []);

    [Fact]
    public void Png_declaring_zero_height_is_refused_as_empty() =>
        AssertRefused(ImageErrorCode.Empty, "empty", TestImages.PngDeclaring(10, 0));

    [Fact]
    public void Gif_declaring_zero_by_zero_is_refused_as_empty() =>
        AssertRefused(ImageErrorCode.Empty, "empty", TestImages.PaletteGif(0, 0, new byte[12], []));

    [Fact]
    public void Random_bytes_are_refused_as_undecodable()
    {
        var garbage = new byte[4096];
        new Random(1234).NextBytes(garbage);
        AssertRefused(ImageErrorCode.Undecodable, "undecodable", garbage);
    }

    [Fact]
    public void Png_cut_in_the_middle_of_its_pixel_data_is_refused_as_truncated()
    {
        var png = NoisyImage(SKEncodedImageFormat.Png);
        AssertRefused(ImageErrorCode.Truncated, "truncated", png[..(png.Length / 2)]);
    }

    [Fact]
    public void Jpeg_cut_in_the_middle_of_its_scan_is_refused_as_truncated()
    {
        var jpeg = NoisyImage(SKEncodedImageFormat.Jpeg);
        AssertRefused(ImageErrorCode.Truncated, "truncated", jpeg[..(jpeg.Length / 2)]);
    }

    [Fact]
    public void Png_header_declaring_100000_by_100000_pixels_is_refused_before_decoding() =>
        AssertRefused(ImageErrorCode.TooManyPixels, "too_many_pixels", TestImages.PngDeclaring(100_000, 100_000));

    [Fact]
    public void Pixel_limit_is_configurable()
    {
        var strict = new ImagePreprocessor(new ImagePreprocessConfig { ImageSize = 32, MaxPixels = 64 * 64 - 1 });
        var error = Assert.Throws<ImageInputException>(() => strict.Preprocess(NoisyImage(SKEncodedImageFormat.Png)));
        Assert.Equal(ImageErrorCode.TooManyPixels, error.Code);
    }

    [Fact]
    public void Input_over_the_byte_limit_is_refused_as_too_large()
    {
        var strict = new ImagePreprocessor(new ImagePreprocessConfig { ImageSize = 32, MaxBytes = 100 });
        var error = Assert.Throws<ImageInputException>(() => strict.Preprocess(NoisyImage(SKEncodedImageFormat.Png)));
        Assert.Equal("too_large", error.WireCode);
    }

    [Fact]
    public void Tiff_is_refused_as_unsupported_format()
    {
        byte[] tiff = [.. "II*\0"u8, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        AssertRefused(ImageErrorCode.UnsupportedFormat, "unsupported_format", tiff);
    }

    [Fact]
    public void Svg_is_refused_as_unsupported_format()
    {
        var svg = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><rect width=\"10\" height=\"10\"/></svg>"u8.ToArray();
        AssertRefused(ImageErrorCode.UnsupportedFormat, "unsupported_format", svg);
    }

    private static void AssertRefused(ImageErrorCode code, string wireCode, byte[] input)
    {
        var error = Assert.Throws<ImageInputException>(() => Preprocessor.Preprocess(input));
        Assert.Equal(code, error.Code);
        Assert.Equal(wireCode, error.WireCode);
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
    }

    // Noise keeps the encoded data long, so cutting it in half lands inside the pixel data.
    private static byte[] NoisyImage(SKEncodedImageFormat format)
    {
        var rgba = new byte[64 * 64 * 4];
        new Random(7).NextBytes(rgba);
        for (var i = 3; i < rgba.Length; i += 4) rgba[i] = 255;
        using var bitmap = TestImages.Bitmap(64, 64, rgba);
        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }
}
