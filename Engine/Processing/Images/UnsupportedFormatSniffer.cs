using System.Text;

namespace FlorenceVL.Engine.Processing.Images;

/// <summary>
/// Recognises well-known image formats we do not accept, so a TIFF or an SVG is reported as
/// "unsupported_format" rather than as corrupt bytes.
/// </summary>
internal static class UnsupportedFormatSniffer
{
    public static string? Identify(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith("II*\0"u8) || bytes.StartsWith("MM\0*"u8)) return "TIFF";
        if (bytes.StartsWith("8BPS"u8)) return "PSD";
        if (bytes.StartsWith("\0\0\x01\0"u8)) return "ICO";
        if (bytes.StartsWith("\0\0\0\x0CjP  "u8) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0x4F, 0xFF, 0x51])) return "JPEG 2000";
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0x0A]) || bytes.StartsWith("\0\0\0\x0CJXL "u8)) return "JPEG XL";
        if (bytes.Length >= 12 && bytes.Slice(4, 4).SequenceEqual("ftyp"u8)) return IsoMediaBrand(bytes.Slice(8, 4));
        return LooksLikeSvg(bytes) ? "SVG" : null;
    }

    private static string IsoMediaBrand(ReadOnlySpan<byte> brand) =>
        brand.SequenceEqual("avif"u8) || brand.SequenceEqual("avis"u8) ? "AVIF" : "HEIF";

    private static bool LooksLikeSvg(ReadOnlySpan<byte> bytes)
    {
        var head = Encoding.UTF8.GetString(bytes[..Math.Min(bytes.Length, 1024)]).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        return head.StartsWith('<') && head.Contains("<svg", StringComparison.OrdinalIgnoreCase);
    }
}
