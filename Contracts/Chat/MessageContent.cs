using System.Text.Json.Serialization;

namespace FlorenceVL.Contracts.Chat;

/// <summary>
/// OpenAI message content: either a plain string or an array of typed parts. Exactly one of
/// <see cref="Text"/> and <see cref="Parts"/> is set, and the converter writes back the form that was read.
/// </summary>
[JsonConverter(typeof(MessageContentConverter))]
public sealed record MessageContent
{
    private MessageContent(string? text, IReadOnlyList<ContentPart>? parts) => (Text, Parts) = (text, parts);

    public string? Text { get; }
    public IReadOnlyList<ContentPart>? Parts { get; }

    public static MessageContent FromText(string text) => new(text, null);
    public static MessageContent FromParts(IReadOnlyList<ContentPart> parts) => new(null, parts);

    public static implicit operator MessageContent(string text) => FromText(text);
}
