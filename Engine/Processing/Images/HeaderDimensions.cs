using System.Buffers.Binary;

namespace FlorenceVL.Engine.Processing.Images;

/// <summary>
/// Reads the size a PNG, GIF or BMP header declares. Skia refuses a zero-size image without saying why
/// (for PNG it even reports incomplete input); this lets such files be refused as empty rather than corrupt.
/// </summary>
internal static class HeaderDimensions
{
    public static (int Width, int Height)? TryRead(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length >= 24 && bytes.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47]) && bytes[12..16].SequenceEqual("IHDR"u8))
        {
            return (BinaryPrimitives.ReadInt32BigEndian(bytes[16..]), BinaryPrimitives.ReadInt32BigEndian(bytes[20..]));
        }
        if (bytes.Length >= 10 && bytes.StartsWith("GIF8"u8))
        {
            return (BinaryPrimitives.ReadUInt16LittleEndian(bytes[6..]), BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]));
        }
        if (bytes.Length >= 26 && bytes.StartsWith("BM"u8))
        {
            // Height is negative for top-down bitmaps.
            return (BinaryPrimitives.ReadInt32LittleEndian(bytes[18..]), Math.Abs(BinaryPrimitives.ReadInt32LittleEndian(bytes[22..])));
        }
        return null;
    }
}
