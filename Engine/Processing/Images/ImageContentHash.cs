using System.Buffers.Binary;
using System.Security.Cryptography;

namespace FlorenceVL.Engine.Processing.Images;

/// <summary>Cache key of a decoded picture under a given preprocessing.</summary>
internal static class ImageContentHash
{
    public static string Compute(RgbImage decoded, ImagePreprocessConfig config)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Settings(decoded, config));
        hash.AppendData(decoded.Pixels);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    // Everything besides the pixels that changes the tensor; byte limits do not, so they are left out.
    private static byte[] Settings(RgbImage decoded, ImagePreprocessConfig config)
    {
        var bytes = new byte[12 + 3 + 6 * 4];
        var span = bytes.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, decoded.Width);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], decoded.Height);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], config.ImageSize);
        span[12] = config.PaddingColor.R;
        span[13] = config.PaddingColor.G;
        span[14] = config.PaddingColor.B;
        float[] floats = [config.Mean.R, config.Mean.G, config.Mean.B, config.Std.R, config.Std.G, config.Std.B];
        for (var i = 0; i < floats.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(span[(15 + 4 * i)..], floats[i]);
        return bytes;
    }
}
