using System.Buffers.Binary;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace FlorenceVL.Engine.Tests.Processing.Images;

/// <summary>Builds real encoded images for tests: Skia encoders where Skia has one, small writers where it has none.</summary>
internal static class TestImages
{
    /// <summary>A deterministic colourful RGBA pattern (opaque unless the caller changes alpha).</summary>
    public static byte[] PatternRgba(int width, int height)
    {
        var rgba = new byte[width * height * 4];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var i = (y * width + x) * 4;
                rgba[i] = (byte)(x * 255 / Math.Max(width - 1, 1));
                rgba[i + 1] = (byte)(y * 255 / Math.Max(height - 1, 1));
                rgba[i + 2] = (byte)((x * 7 + y * 13) % 256);
                rgba[i + 3] = 255;
            }
        }
        return rgba;
    }

    public static SKBitmap Bitmap(int width, int height, byte[] pixels, SKColorType colorType = SKColorType.Rgba8888)
    {
        var alphaType = colorType == SKColorType.Gray8 ? SKAlphaType.Opaque : SKAlphaType.Unpremul;
        var bitmap = new SKBitmap(new SKImageInfo(width, height, colorType, alphaType));
        Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        return bitmap;
    }

    public static byte[] Png(SKBitmap bitmap) => Encode(bitmap, SKEncodedImageFormat.Png, 100);

    public static byte[] Jpeg(SKBitmap bitmap, int quality = 95) => Encode(bitmap, SKEncodedImageFormat.Jpeg, quality);

    public static byte[] LosslessWebp(SKBitmap bitmap)
    {
        using var pixmap = bitmap.PeekPixels();
        using var data = pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 100))
            ?? throw new InvalidOperationException("Skia could not encode WebP.");
        return data.ToArray();
    }

    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format, int quality)
    {
        using var data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    /// <summary>Inserts an APP1 Exif segment holding only an Orientation tag right after the JPEG's SOI marker.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, ushort orientation)
    {
        var tiff = new byte[8 + 2 + 12 + 4];
        "II*\0"u8.CopyTo(tiff);
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(4), 8); // first IFD offset
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(8), 1); // one entry
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(10), 0x0112); // Orientation
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(12), 3); // SHORT
        BinaryPrimitives.WriteUInt32LittleEndian(tiff.AsSpan(14), 1); // count
        BinaryPrimitives.WriteUInt16LittleEndian(tiff.AsSpan(18), orientation);
        byte[] payload = [.. "Exif\0\0"u8, .. tiff];
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(segment, 4);
        return [.. jpeg.AsSpan(0, 2), .. segment, .. jpeg.AsSpan(2)];
    }

    /// <summary>A bottom-up 24-bit BMP (Skia has no BMP encoder).</summary>
    public static byte[] Bmp24(int width, int height, byte[] rgb)
    {
        var rowSize = (width * 3 + 3) & ~3;
        var bmp = new byte[54 + rowSize * height];
        "BM"u8.CopyTo(bmp);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(2), bmp.Length);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(bmp.AsSpan(28), 24);
        for (var y = 0; y < height; y++)
        {
            var row = 54 + (height - 1 - y) * rowSize;
            for (var x = 0; x < width; x++)
            {
                var source = (y * width + x) * 3;
                bmp[row + x * 3] = rgb[source + 2];
                bmp[row + x * 3 + 1] = rgb[source + 1];
                bmp[row + x * 3 + 2] = rgb[source];
            }
        }
        return bmp;
    }

    /// <summary>
    /// A GIF with a 4-colour global palette and one frame per index array (Skia has no GIF encoder). The LZW stream
    /// sends a clear code after every two pixels so the code width stays at 3 bits and no table is needed.
    /// </summary>
    public static byte[] PaletteGif(int width, int height, byte[] paletteRgb, params byte[][] frames)
    {
        var gif = new List<byte>();
        gif.AddRange("GIF89a"u8.ToArray());
        gif.AddRange([(byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0xF1, 0, 0]);
        gif.AddRange(paletteRgb);
        foreach (var indices in frames)
        {
            gif.AddRange([0x2C, 0, 0, 0, 0, (byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0]);
            gif.Add(2);
            var lzw = UncompressedLzw(indices);
            for (var i = 0; i < lzw.Length; i += 255)
            {
                var length = Math.Min(255, lzw.Length - i);
                gif.Add((byte)length);
                gif.AddRange(lzw.AsSpan(i, length).ToArray());
            }
            gif.Add(0);
        }
        gif.Add(0x3B);
        return [.. gif];
    }

    private static byte[] UncompressedLzw(byte[] indices)
    {
        const int clear = 4, end = 5;
        var codes = new List<int>();
        for (var i = 0; i < indices.Length; i++)
        {
            if (i % 2 == 0) codes.Add(clear);
            codes.Add(indices[i]);
        }
        codes.Add(end);
        var bytes = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var code in codes)
        {
            buffer |= code << bits;
            bits += 3;
            while (bits >= 8)
            {
                bytes.Add((byte)buffer);
                buffer >>= 8;
                bits -= 8;
            }
        }
        if (bits > 0) bytes.Add((byte)buffer);
        return [.. bytes];
    }

    /// <summary>A well-formed PNG whose IHDR declares the given size but whose data is tiny (a pixel bomb's header).</summary>
    public static byte[] PngDeclaring(int width, int height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // RGB
        byte[] idat = [0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]; // zlib stream of one zero byte
        return [.. new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A },
            .. PngChunk("IHDR", ihdr), .. PngChunk("IDAT", idat), .. PngChunk("IEND", [])];
    }

    private static byte[] PngChunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        for (var i = 0; i < 4; i++) chunk[4 + i] = (byte)type[i];
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }
}
