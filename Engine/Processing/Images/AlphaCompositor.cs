using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FlorenceVL.Engine.Processing.Images;

/// <summary>Flattens unpremultiplied RGBA onto a solid background, giving RGB.</summary>
internal static class AlphaCompositor
{
    public static byte[] FlattenRgba(ReadOnlySpan<byte> rgba, RgbColor background)
    {
        var pixels = rgba.Length / 4;
        var rgb = new byte[pixels * 3];
        ref var source = ref MemoryMarshal.GetReference(rgba);
        ref var target = ref MemoryMarshal.GetArrayDataReference(rgb);
        for (var i = 0; i < pixels; i++)
        {
            ref var from = ref Unsafe.Add(ref source, 4 * i);
            ref var to = ref Unsafe.Add(ref target, 3 * i);
            int alpha = Unsafe.Add(ref from, 3);
            if (alpha == 255)
            {
                to = from;
                Unsafe.Add(ref to, 1) = Unsafe.Add(ref from, 1);
                Unsafe.Add(ref to, 2) = Unsafe.Add(ref from, 2);
                continue;
            }
            to = Blend(from, background.R, alpha);
            Unsafe.Add(ref to, 1) = Blend(Unsafe.Add(ref from, 1), background.G, alpha);
            Unsafe.Add(ref to, 2) = Blend(Unsafe.Add(ref from, 2), background.B, alpha);
        }
        return rgb;
    }

    // Exact for alpha 0 (gives the background); rounds to nearest otherwise.
    private static byte Blend(int colour, int background, int alpha) =>
        (byte)((colour * alpha + background * (255 - alpha) + 127) / 255);
}
