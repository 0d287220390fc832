using System.Buffers.Binary;
using System.IO.Hashing;
using SkiaSharp;

namespace FlorenceVL.Api.Tests.Infrastructure;

/// <summary>Real encoded images made with SkiaSharp, and hostile ones built byte by byte.</summary>
public static class TestImages
{
    public static byte[] Png(int seed, int width = 96, int height = 72) => Encode(Draw(seed, width, height), SKEncodedImageFormat.Png);

    public static byte[] Jpeg(int seed, int width = 96, int height = 72) => Encode(Draw(seed, width, height), SKEncodedImageFormat.Jpeg);

    public static string DataUrl(byte[] bytes, string mediaType = "image/png") => $"data:{mediaType};base64,{Convert.ToBase64String(bytes)}";

    /// <summary>A PNG whose header claims <paramref name="side"/> x <paramref name="side"/> pixels (a decompression bomb's header).</summary>
    public static byte[] PngHeaderClaiming(int side)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, side);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), side);
        ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
        using var stream = new MemoryStream();
        stream.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(stream, "IHDR", ihdr);
        WriteChunk(stream, "IDAT", [0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01]);
        WriteChunk(stream, "IEND", []);
        return stream.ToArray();
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        stream.Write(length);
        var typed = System.Text.Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        stream.Write(typed);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32.HashToUInt32(typed));
        stream.Write(crc);
    }

    private static SKBitmap Draw(int seed, int width, int height)
    {
        var random = new Random(seed);
        var bitmap = new SKBitmap(width, height);
        using var canvas = new SKCanvas(bitmap);
        canvas.Clear(new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
        using var paint = new SKPaint { Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)) };
        canvas.DrawRect(random.Next(width / 2), random.Next(height / 2), width / 3f, height / 3f, paint);
        paint.Color = new SKColor((byte)random.Next(256), 40, 200);
        canvas.DrawCircle(random.Next(width), random.Next(height), Math.Min(width, height) / 5f, paint);
        return bitmap;
    }

    private static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format)
    {
        using (bitmap)
        using (var image = SKImage.FromBitmap(bitmap))
            return image.Encode(format, 90).ToArray();
    }
}
