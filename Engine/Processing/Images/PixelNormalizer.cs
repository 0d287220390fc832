using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FlorenceVL.Engine.Processing.Images;

/// <summary>uint8 HWC RGB to float CHW with (v / 255 - mean) / std, through a 256-entry table per channel.</summary>
internal static class PixelNormalizer
{
    public static float[] ToChw(RgbImage image, ChannelValues mean, ChannelValues std)
    {
        var plane = image.Width * image.Height;
        var chw = new float[plane * 3];
        var tables = BuildTables(mean, std);
        Parallel.For(0, image.Height, y => NormalizeRow(image.Row(y), chw.AsSpan(y * image.Width), plane, tables));
        return chw;
    }

    private static void NormalizeRow(ReadOnlySpan<byte> row, Span<float> red, int plane, float[] tables)
    {
        ref var pixel = ref MemoryMarshal.GetReference(row);
        ref var r = ref MemoryMarshal.GetReference(red);
        ref var g = ref Unsafe.Add(ref r, plane);
        ref var b = ref Unsafe.Add(ref r, 2 * plane);
        ref var table = ref MemoryMarshal.GetArrayDataReference(tables);
        for (var x = 0; x < row.Length / 3; x++)
        {
            Unsafe.Add(ref r, x) = Unsafe.Add(ref table, Unsafe.Add(ref pixel, 3 * x));
            Unsafe.Add(ref g, x) = Unsafe.Add(ref table, 256 + Unsafe.Add(ref pixel, 3 * x + 1));
            Unsafe.Add(ref b, x) = Unsafe.Add(ref table, 512 + Unsafe.Add(ref pixel, 3 * x + 2));
        }
    }

    private static float[] BuildTables(ChannelValues mean, ChannelValues std)
    {
        var tables = new float[3 * 256];
        for (var channel = 0; channel < 3; channel++)
        {
            for (var value = 0; value < 256; value++)
            {
                tables[channel * 256 + value] = (value / 255f - mean[channel]) / std[channel];
            }
        }
        return tables;
    }
}
