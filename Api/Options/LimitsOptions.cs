using System.ComponentModel.DataAnnotations;

namespace FlorenceVL.Api.Options;

/// <summary>What one request may ask for (section FlorenceVL:Limits).</summary>
public sealed class LimitsOptions
{
    public const string Section = "FlorenceVL:Limits";

    /// <summary>Larger bodies get 413. Images sent as data: URLs count here, so leave room for them.</summary>
    [Range(1024, 1L << 31, ErrorMessage = "FlorenceVL:Limits:MaxRequestBodyBytes must be between 1 KiB and 2 GiB.")]
    public long MaxRequestBodyBytes { get; set; } = 32L * 1024 * 1024;

    [Range(0, 64, ErrorMessage = "FlorenceVL:Limits:MaxImagesPerRequest must be between 0 and 64.")]
    public int MaxImagesPerRequest { get; set; } = 8;

    /// <summary>Encoded size of one image (decoded data: URL or downloaded body).</summary>
    [Range(1024, 1L << 30, ErrorMessage = "FlorenceVL:Limits:MaxImageBytes must be between 1 KiB and 1 GiB.")]
    public long MaxImageBytes { get; set; } = 20L * 1024 * 1024;

    /// <summary>Width times height, read from the image header before decoding (decompression bombs).</summary>
    [Range(1, 1L << 32, ErrorMessage = "FlorenceVL:Limits:MaxImagePixels must be between 1 and 2^32.")]
    public long MaxImagePixels { get; set; } = 40_000_000;

    /// <summary>Most choices ("n") per request.</summary>
    [Range(1, 128, ErrorMessage = "FlorenceVL:Limits:MaxChoices must be between 1 and 128.")]
    public int MaxChoices { get; set; } = 16;

    /// <summary>
    /// Largest response_format schema, and largest sum of tools' parameter schemas, in bytes of JSON. A schema is
    /// compiled into a grammar once per distinct schema; the limit bounds that work and the compiled grammar's size.
    /// </summary>
    [Range(256, 16 * 1024 * 1024, ErrorMessage = "FlorenceVL:Limits:MaxSchemaBytes must be between 256 bytes and 16 MiB.")]
    public int MaxSchemaBytes { get; set; } = 65536;
}
