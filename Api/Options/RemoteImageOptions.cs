using System.ComponentModel.DataAnnotations;

namespace FlorenceVL.Api.Options;

/// <summary>How http(s) image URLs are fetched (section FlorenceVL:RemoteImages). SSRF-safe unless hosts are allow-listed.</summary>
public sealed class RemoteImageOptions
{
    public const string Section = "FlorenceVL:RemoteImages";

    /// <summary>When false, only data: URLs are accepted.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Host names (exact, case-insensitive) that may be fetched even though they resolve to loopback, private,
    /// link-local or other non-public addresses: an internal image store, say. Every other host must resolve to public
    /// addresses only, checked on every connection (redirects included).
    /// </summary>
    public string[] AllowedHosts { get; set; } = [];

    /// <summary>Per attempt.</summary>
    [Range(0.1, 300, ErrorMessage = "FlorenceVL:RemoteImages:TimeoutSeconds must be between 0.1 and 300.")]
    public double TimeoutSeconds { get; set; } = 10;

    /// <summary>Retries after a transient failure (connection reset, 5xx, 408, 429).</summary>
    [Range(0, 5, ErrorMessage = "FlorenceVL:RemoteImages:MaxRetries must be between 0 and 5.")]
    public int MaxRetries { get; set; } = 2;

    [Range(0, 10, ErrorMessage = "FlorenceVL:RemoteImages:MaxRedirects must be between 0 and 10.")]
    public int MaxRedirects { get; set; } = 3;
}
