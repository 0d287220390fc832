namespace FlorenceVL.Engine.Processing.Images;

/// <summary>Flattens unpremultiplied RGBA onto a solid background, giving RGB.</summary>
internal static class AlphaCompositor
{
    public static byte[] FlattenRgba(ReadOnlySpan<byte> rgba, RgbColor background)
    {
        var rgb = new byte[rgba.Length / 4 * 3];
        for (int source = 0, target = 0; source < rgba.Length; source += 4, target += 3)
        {
            int alpha = rgba[source + 3];
            rgb[target] = Blend(rgba[source], background.R, alpha);
            rgb[target + 1] = Blend(rgba[source + 1], background.G, alpha);
            rgb[target + 2] = Blend(rgba[source + 2], background.B, alpha);
        }
        return rgb;
    }

    // Exact for alpha 255 (returns the colour) and alpha 0 (returns the background); rounds to nearest otherwise.
    private static byte Blend(int colour, int background, int alpha) =>
        (byte)((colour * alpha + background * (255 - alpha) + 127) / 255);
}
