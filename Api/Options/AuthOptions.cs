namespace FlorenceVL.Api.Options;

/// <summary>
/// Optional API keys (section FlorenceVL:Auth). With no key configured the API is open. Keys may come from
/// configuration (FlorenceVL__Auth__ApiKeys__0=...) or a mounted file with one key per line (a Kubernetes secret).
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "FlorenceVL:Auth";

    public string[] ApiKeys { get; set; } = [];

    /// <summary>A file with one key per line; blank lines and lines starting with '#' are skipped.</summary>
    public string? ApiKeysFile { get; set; }
}
