using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace FlorenceVL.Contracts.Chat;

public sealed class StopSequencesConverter : JsonConverter<StopSequences>
{
    public override StopSequences Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
            return StopSequences.FromString(reader.GetString()!);
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new UnexpectedJsonTypeException("one of a string or array of strings", reader.TokenType);
        return StopSequences.FromArray(NestedJson.Read(ref reader, StringsTypeInfo(options)));
    }

    public override void Write(Utf8JsonWriter writer, StopSequences value, JsonSerializerOptions options)
    {
        if (value.IsSingleString && value.Values.Count == 1)
            writer.WriteStringValue(value.Values[0]);
        else
            JsonSerializer.Serialize(writer, value.Values.ToList(), StringsTypeInfo(options));
    }

    private static JsonTypeInfo<List<string>> StringsTypeInfo(JsonSerializerOptions options) =>
        (JsonTypeInfo<List<string>>)options.GetTypeInfo(typeof(List<string>));
}
