using FlorenceVL.Engine.Processing.Images;
using SkiaSharp;

namespace FlorenceVL.Engine.Tests.Processing.Images;

public class PreprocessedImageTests
{
    private static readonly ImagePreprocessor Preprocessor = new(new ImagePreprocessConfig { ImageSize = 48 });

    [Fact]
    public void Same_picture_in_png_and_lossless_webp_has_the_same_content_hash()
    {
        using var bitmap = TestImages.Bitmap(30, 20, TestImages.PatternRgba(30, 20));

        var fromPng = Preprocessor.Preprocess(TestImages.Png(bitmap));
        var fromWebp = Preprocessor.Preprocess(TestImages.LosslessWebp(bitmap));

        Assert.Equal(fromPng.ContentHash, fromWebp.ContentHash);
        Assert.Equal(fromPng.PixelValues, fromWebp.PixelValues);
    }

    [Fact]
    public void One_changed_pixel_changes_the_content_hash()
    {
        var rgba = TestImages.PatternRgba(30, 20);
        using var original = TestImages.Bitmap(30, 20, rgba);
        rgba[4 * 77] ^= 1;
        using var changed = TestImages.Bitmap(30, 20, rgba);

        Assert.NotEqual(Preprocessor.Preprocess(TestImages.Png(original)).ContentHash,
            Preprocessor.Preprocess(TestImages.Png(changed)).ContentHash);
    }

    [Fact]
    public void Different_preprocessing_settings_give_a_different_content_hash()
    {
        using var bitmap = TestImages.Bitmap(30, 20, TestImages.PatternRgba(30, 20));
        var png = TestImages.Png(bitmap);
        var otherSize = new ImagePreprocessor(new ImagePreprocessConfig { ImageSize = 64 });
        var otherMean = new ImagePreprocessor(new ImagePreprocessConfig { ImageSize = 48, Mean = new(0.5f, 0.5f, 0.5f) });

        var hashes = new[] { Preprocessor, otherSize, otherMean }.Select(p => p.Preprocess(png).ContentHash);

        Assert.Equal(3, hashes.Distinct().Count());
    }

    [Fact]
    public void Tensor_is_channel_first_with_the_configured_size()
    {
        FlorenceVL.Engine.Runtime.TorchRuntime.EnsureLoadable();
        using var bitmap = TestImages.Bitmap(30, 20, TestImages.PatternRgba(30, 20));
        var image = Preprocessor.Preprocess(TestImages.Png(bitmap));

        using var tensor = image.ToTensor();

        Assert.Equal([3L, 48, 48], tensor.shape);
        Assert.Equal(TorchSharp.torch.ScalarType.Float32, tensor.dtype);
        Assert.Equal(image.PixelValues[2 * 48 * 48 + 5 * 48 + 7], tensor[2, 5, 7].item<float>());
    }

    [Fact]
    public void Padding_rows_of_a_wide_image_hold_the_normalised_padding_colour()
    {
        // 48 x 12 pads to 48 x 48 with 18 rows of padding above; row 0 is far from the picture's influence.
        using var bitmap = TestImages.Bitmap(48, 12, TestImages.PatternRgba(48, 12));
        var config = Preprocessor.Config;

        var image = Preprocessor.Preprocess(TestImages.Png(bitmap));

        byte[] pad = [config.PaddingColor.R, config.PaddingColor.G, config.PaddingColor.B];
        for (var channel = 0; channel < 3; channel++)
        {
            var expected = (pad[channel] / 255f - config.Mean[channel]) / config.Std[channel];
            Assert.Equal(expected, image.PixelValues[channel * 48 * 48 + 10], precision: 5);
        }
    }
}
