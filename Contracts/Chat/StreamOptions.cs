using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlorenceVL.Contracts.Chat;

public sealed record StreamOptions
{
    /// <summary>When true, a last chunk with empty choices carries the usage of the whole request.</summary>
    public bool? IncludeUsage { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnrecognizedFields { get; set; }
}
