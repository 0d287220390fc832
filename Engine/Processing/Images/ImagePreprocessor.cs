namespace FlorenceVL.Engine.Processing.Images;

/// <summary>
/// Encoded image bytes to the model's pixel tensor, matching the reference pipeline:
/// decode (upright, alpha flattened onto the padding colour) -> pad to square -> PIL bicubic resize -> normalise.
/// Unusable input throws <see cref="ImageInputException"/>. Thread-safe.
/// </summary>
public sealed class ImagePreprocessor
{
    public ImagePreprocessor(ImagePreprocessConfig config)
    {
        config.Validate();
        Config = config;
    }

    public ImagePreprocessConfig Config { get; }

    public PreprocessedImage Preprocess(ReadOnlySpan<byte> encoded)
    {
        var decoded = ImageDecoder.Decode(encoded, Config);
        var resized = ResizeToSquare(decoded);
        var pixels = PixelNormalizer.ToChw(resized, Config.Mean, Config.Std);
        return new PreprocessedImage(pixels, Config.ImageSize, ImageContentHash.Compute(decoded, Config));
    }

    internal RgbImage ResizeToSquare(RgbImage decoded)
    {
        var square = SquarePadder.Pad(decoded, Config.PaddingColor);
        return PillowBicubicResampler.Resize(square, Config.ImageSize, Config.ImageSize);
    }
}
