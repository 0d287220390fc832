using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlorenceVL.Contracts.Chat;

/// <summary>Reads and writes both forms of <see cref="ToolChoice"/>.</summary>
public sealed class ToolChoiceConverter : JsonConverter<ToolChoice>
{
    public override ToolChoice Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
            return ToolChoice.FromMode(reader.GetString()!);
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new UnexpectedJsonTypeException("one of a string or object", reader.TokenType);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        string? type = null, name = null;
        if (root.TryGetProperty("type", out var typeElement) && typeElement.ValueKind == JsonValueKind.String)
            type = typeElement.GetString();
        if (root.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object
            && function.TryGetProperty("name", out var nameElement) && nameElement.ValueKind == JsonValueKind.String)
            name = nameElement.GetString();
        return new ToolChoice { Type = type, FunctionName = name };
    }

    public override void Write(Utf8JsonWriter writer, ToolChoice value, JsonSerializerOptions options)
    {
        if (value.Mode is { } mode)
        {
            writer.WriteStringValue(mode);
            return;
        }
        writer.WriteStartObject();
        writer.WriteString("type", value.Type ?? ToolTypes.Function);
        writer.WriteStartObject("function");
        writer.WriteString("name", value.FunctionName);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
