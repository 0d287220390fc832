using System.Text.Encodings.Web;
using System.Text.Json;

namespace FlorenceVL.Engine.Constrained;

/// <summary>
/// properties / required / additionalProperties. With declared properties only those are generated (in
/// declaration order), whatever additionalProperties says; with none, additionalProperties (true, absent or a
/// schema) gives a map of any keys.
/// </summary>
internal static class ObjectCompiler
{
    public delegate GrammarNode SubschemaCompiler(JsonElement schema, string path, int depth);

    public static GrammarNode Compile(JsonElement schema, string path, int depth, SubschemaCompiler compile,
        Func<GrammarNode, GrammarNode> add, Lazy<GrammarNode> anyValue)
    {
        var required = ReadRequired(schema, path);
        var hasProperties = schema.TryGetProperty("properties", out var properties);
        if (hasProperties && properties.ValueKind != JsonValueKind.Object)
            throw new UnsupportedSchemaException("properties must be an object.", "properties", $"{path}.properties");
        var declared = hasProperties ? properties.EnumerateObject().ToList() : [];
        foreach (var name in required.Where(name => declared.All(p => p.Name != name)))
            throw new UnsupportedSchemaException($"Required property '{name}' is not declared in properties.", "required", $"{path}.required");
        if (declared.Count == 0 && AllowsAdditional(schema, path, out var additional))
            return add(new MapNode { Value = additional is { } valueSchema ? compile(valueSchema, $"{path}.additionalProperties", depth + 1) : anyValue.Value });

        var slots = declared.Select(p => new PropertySlot(p.Name, EncodeKey(p.Name), required.Contains(p.Name))).ToList();
        var node = new ObjectNode(slots);
        for (var i = 0; i < slots.Count; i++)
            slots[i].Value = compile(declared[i].Value, $"{path}.properties.{declared[i].Name}", depth + 1);
        return add(node);
    }

    private static HashSet<string> ReadRequired(JsonElement schema, string path)
    {
        if (!schema.TryGetProperty("required", out var required)) return [];
        if (required.ValueKind != JsonValueKind.Array || required.EnumerateArray().Any(r => r.ValueKind != JsonValueKind.String))
            throw new UnsupportedSchemaException("required must be an array of strings.", "required", $"{path}.required");
        return required.EnumerateArray().Select(r => r.GetString()!).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>False for <c>additionalProperties: false</c>; otherwise true, with the value schema when one is given.</summary>
    private static bool AllowsAdditional(JsonElement schema, string path, out JsonElement? valueSchema)
    {
        valueSchema = null;
        if (!schema.TryGetProperty("additionalProperties", out var additional)) return true;
        switch (additional.ValueKind)
        {
            case JsonValueKind.False: return false;
            case JsonValueKind.True: return true;
            case JsonValueKind.Object: valueSchema = additional; return true;
            default: throw new UnsupportedSchemaException("additionalProperties must be a boolean or a schema.", "additionalProperties", $"{path}.additionalProperties");
        }
    }

    private static byte[] EncodeKey(string name) =>
        JsonSerializer.SerializeToUtf8Bytes(name, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping })[1..];
}
