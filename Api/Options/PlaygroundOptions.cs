namespace FlorenceVL.Api.Options;

/// <summary>The chat playground served at / (section FlorenceVL:Playground).</summary>
public sealed class PlaygroundOptions
{
    public const string Section = "FlorenceVL:Playground";

    /// <summary>When false, / and the playground's assets are not mapped (they answer 404).</summary>
    public bool Enabled { get; set; } = true;
}
