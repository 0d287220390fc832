using System.Buffers;
using SkiaSharp;

namespace FlorenceVL.Engine.Processing.Images;

/// <summary>
/// Encoded bytes to upright RGB. Every way an input can be unusable ends in an <see cref="ImageInputException"/>:
/// size limits are checked on the header before any pixel is decoded, and a partial decode is refused.
/// </summary>
internal static class ImageDecoder
{
    private static readonly HashSet<SKEncodedImageFormat> Accepted =
    [
        SKEncodedImageFormat.Png, SKEncodedImageFormat.Jpeg, SKEncodedImageFormat.Webp,
        SKEncodedImageFormat.Gif, SKEncodedImageFormat.Bmp,
    ];

    public static RgbImage Decode(ReadOnlySpan<byte> encoded, ImagePreprocessConfig config)
    {
        CheckByteCount(encoded.Length, config.MaxBytes);
        using var data = SKData.CreateCopy(encoded);
        using var codec = OpenCodec(data, encoded);
        var (width, height) = CheckHeader(codec, config.MaxPixels);
        // The RGBA buffer lives only until flattening; pooling it spares a large-object allocation per image.
        var rgba = ArrayPool<byte>.Shared.Rent(checked(width * height * 4));
        try
        {
            DecodeFirstFrame(codec, width, height, rgba);
            var rgb = AlphaCompositor.FlattenRgba(rgba.AsSpan(0, width * height * 4), config.PaddingColor);
            return ExifOrientation.Apply(new RgbImage(width, height, rgb), codec.EncodedOrigin);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rgba);
        }
    }

    private static void CheckByteCount(int length, long maxBytes)
    {
        if (length == 0) throw new ImageInputException(ImageErrorCode.Empty, "The image is empty (0 bytes).");
        if (length > maxBytes)
        {
            throw new ImageInputException(ImageErrorCode.TooLarge,
                $"The image is {length} bytes; the limit is {maxBytes} bytes.");
        }
    }

    private static SKCodec OpenCodec(SKData data, ReadOnlySpan<byte> encoded)
    {
        var stream = new SKMemoryStream(data);
        var codec = SKCodec.Create(stream, out var result);
        if (codec is not null) return codec;

        stream.Dispose();
        if (UnsupportedFormatSniffer.Identify(encoded) is { } format) throw Unsupported(format);
        if (HeaderDimensions.TryRead(encoded) is { } size && (size.Width == 0 || size.Height == 0))
        {
            throw new ImageInputException(ImageErrorCode.Empty, $"The image has no pixels ({size.Width}x{size.Height}).");
        }
        if (result == SKCodecResult.IncompleteInput)
        {
            throw new ImageInputException(ImageErrorCode.Truncated, "The image ends before its header is complete.");
        }
        throw new ImageInputException(ImageErrorCode.Undecodable,
            "The bytes are not a decodable image (PNG, JPEG, WebP, GIF or BMP expected).");
    }

    private static (int Width, int Height) CheckHeader(SKCodec codec, long maxPixels)
    {
        if (!Accepted.Contains(codec.EncodedFormat)) throw Unsupported(codec.EncodedFormat.ToString().ToUpperInvariant());

        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0)
        {
            throw new ImageInputException(ImageErrorCode.Empty, $"The image has no pixels ({info.Width}x{info.Height}).");
        }
        if ((long)info.Width * info.Height > maxPixels)
        {
            throw new ImageInputException(ImageErrorCode.TooManyPixels,
                $"The image declares {info.Width}x{info.Height} pixels; the limit is {maxPixels} pixels.");
        }
        return (info.Width, info.Height);
    }

    private static void DecodeFirstFrame(SKCodec codec, int width, int height, byte[] rgba)
    {
        // No colour space on the target: pixels are taken as stored, as PIL does (no ICC conversion).
        var target = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var result = codec.GetPixels(target, rgba);
        if (result == SKCodecResult.IncompleteInput)
        {
            throw new ImageInputException(ImageErrorCode.Truncated,
                $"The {codec.EncodedFormat} image is truncated: its data ends before the last row.");
        }
        if (result != SKCodecResult.Success)
        {
            throw new ImageInputException(ImageErrorCode.Undecodable,
                $"The {codec.EncodedFormat} image could not be decoded ({result}).");
        }
    }

    private static ImageInputException Unsupported(string format) => new(ImageErrorCode.UnsupportedFormat,
        $"{format} images are not supported; send PNG, JPEG, WebP, GIF or BMP.");
}
