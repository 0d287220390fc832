using System.Text.Encodings.Web;
using System.Text.Json;

namespace FlorenceVL.Engine.Constrained;

/// <summary>enum and const: the allowed values (those of the schema's types, when it names any) as compact JSON texts.</summary>
internal static class LiteralCompiler
{
    private static readonly JsonWriterOptions CompactWriter = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static LiteralNode Compile(JsonElement schema, TypeSet types, string path)
    {
        IEnumerable<JsonElement> values = schema.TryGetProperty("enum", out var enumValues)
            ? enumValues.ValueKind == JsonValueKind.Array
                ? enumValues.EnumerateArray()
                : throw new UnsupportedSchemaException("enum must be an array.", "enum", $"{path}.enum")
            : [];
        if (schema.TryGetProperty("const", out var constValue))
            values = enumValues.ValueKind == JsonValueKind.Array ? values.Where(v => JsonElement.DeepEquals(v, constValue)) : [constValue];
        var keyword = enumValues.ValueKind == JsonValueKind.Array ? "enum" : "const";
        var literals = values.Where(types.Allows).Select(Serialize).DistinctBy(Convert.ToHexString).ToList();
        if (literals.Count == 0)
            throw new UnsupportedSchemaException("No value satisfies this enum/const together with the schema's type.", keyword, $"{path}.{keyword}");
        return new LiteralNode(literals);
    }

    public static byte[] Serialize(JsonElement value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, CompactWriter)) value.WriteTo(writer);
        return buffer.ToArray();
    }
}
