using System.Text.Json;

namespace FlorenceVL.Contracts.Chat;

/// <summary>
/// Thrown by this assembly's converters when a value has the wrong JSON kind; carries both kinds so that the
/// parser can word the error the way OpenAI does ("expected X, but got Y instead").
/// </summary>
internal sealed class UnexpectedJsonTypeException(string expected, JsonTokenType actual)
    : JsonException($"Expected {expected}, but got {JsonKinds.Describe(actual)} instead.")
{
    public string Expected { get; } = expected;
    public JsonTokenType Actual { get; } = actual;
}

/// <summary>
/// Thrown when a value nested inside a converter-handled property fails to deserialise. System.Text.Json
/// overwrites the path of exceptions escaping a converter with the converter's own position, so the path inside
/// the nested value is kept here and joined by the parser.
/// </summary>
internal sealed class NestedJsonException(string relativePath, JsonException inner)
    : JsonException(inner.Message, inner)
{
    /// <summary>Path relative to the converter's value, without the leading "$" (for example "[1].text").</summary>
    public string RelativePath { get; } = relativePath;
}

internal static class NestedJson
{
    public static List<T> Read<T>(ref Utf8JsonReader reader, System.Text.Json.Serialization.Metadata.JsonTypeInfo<List<T>> typeInfo)
    {
        try
        {
            return JsonSerializer.Deserialize(ref reader, typeInfo)!;
        }
        catch (JsonException ex) when (ex is not NestedJsonException)
        {
            throw new NestedJsonException((ex.Path ?? "$")[1..], ex);
        }
    }
}

internal static class JsonKinds
{
    public static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.Null => "null",
        _ => "an unexpected token",
    };

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
