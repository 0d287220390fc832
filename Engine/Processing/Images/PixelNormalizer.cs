namespace FlorenceVL.Engine.Processing.Images;

/// <summary>uint8 HWC RGB to float CHW with (v / 255 - mean) / std, through a 256-entry table per channel.</summary>
internal static class PixelNormalizer
{
    public static float[] ToChw(RgbImage image, ChannelValues mean, ChannelValues std)
    {
        var plane = image.Width * image.Height;
        var chw = new float[plane * 3];
        var tables = BuildTables(mean, std);
        Parallel.For(0, image.Height, y =>
        {
            var row = image.Row(y);
            var offset = y * image.Width;
            for (var x = 0; x < image.Width; x++)
            {
                chw[offset + x] = tables[row[3 * x]];
                chw[plane + offset + x] = tables[256 + row[3 * x + 1]];
                chw[2 * plane + offset + x] = tables[512 + row[3 * x + 2]];
            }
        });
        return chw;
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
