using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlorenceVL.Contracts.Chat;

/// <summary>
/// One element of an array-valued message content, told apart by its "type" property. Clients do not always send
/// "type" first, so <see cref="ContractsJsonContext"/> enables AllowOutOfOrderMetadataProperties.
/// OpenAI part types this server does not implement are still mapped, so the validator can name them. A part with
/// a missing or unknown "type" deserialises as a plain <see cref="ContentPart"/> (rather than failing inside the
/// serializer), and the validator reports it with its path.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", IgnoreUnrecognizedTypeDiscriminators = true)]
[JsonDerivedType(typeof(TextPart), "text")]
[JsonDerivedType(typeof(ImageUrlPart), "image_url")]
[JsonDerivedType(typeof(UnsupportedPart.InputAudio), "input_audio")]
[JsonDerivedType(typeof(UnsupportedPart.File), "file")]
[JsonDerivedType(typeof(UnsupportedPart.Refusal), "refusal")]
public record ContentPart
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnrecognizedFields { get; set; }
}

public sealed record TextPart : ContentPart
{
    public string? Text { get; init; }
}

public sealed record ImageUrlPart : ContentPart
{
    public ImageUrl? ImageUrl { get; init; }
}

public sealed record ImageUrl
{
    /// <summary>A <c>data:image/...;base64,</c> URL or an http(s) URL.</summary>
    public string? Url { get; init; }

    /// <summary>"auto", "low" or "high" (see <see cref="ImageDetail"/>); absent means auto.</summary>
    public string? Detail { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? UnrecognizedFields { get; set; }
}

public static class ImageDetail
{
    public const string Auto = "auto";
    public const string Low = "low";
    public const string High = "high";

    public static bool IsKnown(string detail) => detail is Auto or Low or High;
}

/// <summary>OpenAI part types this server recognises but does not implement; their fields land in extension data.</summary>
public abstract record UnsupportedPart : ContentPart
{
    [JsonIgnore]
    public abstract string TypeName { get; }

    public sealed record InputAudio : UnsupportedPart { public override string TypeName => "input_audio"; }
    public sealed record File : UnsupportedPart { public override string TypeName => "file"; }
    public sealed record Refusal : UnsupportedPart { public override string TypeName => "refusal"; }
}
