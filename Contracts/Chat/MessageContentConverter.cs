using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace FlorenceVL.Contracts.Chat;

/// <summary>The one converter for "string or array of parts" content.</summary>
public sealed class MessageContentConverter : JsonConverter<MessageContent>
{
    public override MessageContent Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
            return MessageContent.FromText(reader.GetString()!);
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new UnexpectedJsonTypeException("one of a string or array of objects", reader.TokenType);
        var parts = NestedJson.Read(ref reader, PartsTypeInfo(options));
        return MessageContent.FromParts(parts);
    }

    public override void Write(Utf8JsonWriter writer, MessageContent value, JsonSerializerOptions options)
    {
        if (value.Text is { } text)
            writer.WriteStringValue(text);
        else
            JsonSerializer.Serialize(writer, value.Parts!.ToList(), PartsTypeInfo(options));
    }

    private static JsonTypeInfo<List<ContentPart>> PartsTypeInfo(JsonSerializerOptions options) =>
        (JsonTypeInfo<List<ContentPart>>)options.GetTypeInfo(typeof(List<ContentPart>));
}
