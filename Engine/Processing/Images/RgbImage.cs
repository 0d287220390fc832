namespace FlorenceVL.Engine.Processing.Images;

/// <summary>Interleaved 8-bit RGB pixels, row-major, no row padding.</summary>
internal sealed class RgbImage
{
    public RgbImage(int width, int height, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (pixels.Length != checked(width * height * 3))
        {
            throw new ArgumentException($"Expected {width}x{height}x3 bytes, got {pixels.Length}.", nameof(pixels));
        }
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    public byte[] Pixels { get; }

    public int Stride => Width * 3;

    public Span<byte> Row(int y) => Pixels.AsSpan(y * Stride, Stride);
}
