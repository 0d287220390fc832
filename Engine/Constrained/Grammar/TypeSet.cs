using System.Text.Json;

namespace FlorenceVL.Engine.Constrained;

/// <summary>The JSON types a schema allows: its <c>type</c> (string or array), or every type when it has none.</summary>
internal sealed record TypeSet(IReadOnlyList<string> Names)
{
    private static readonly string[] AllTypes = ["object", "array", "string", "number", "boolean", "null"];

    public static TypeSet Read(JsonElement schema, string path)
    {
        if (!schema.TryGetProperty("type", out var type)) return new TypeSet(Infer(schema));
        var names = type.ValueKind switch
        {
            JsonValueKind.String => [type.GetString()!],
            JsonValueKind.Array when type.GetArrayLength() > 0 && type.EnumerateArray().All(t => t.ValueKind == JsonValueKind.String)
                => type.EnumerateArray().Select(t => t.GetString()!).Distinct().ToList(),
            _ => throw new UnsupportedSchemaException("type must be a string or a non-empty array of strings.", "type", $"{path}.type"),
        };
        // "number" already admits every integer; keeping both would fork two stacks for every digit.
        if (names.Contains("number")) names.Remove("integer");
        return new TypeSet(names);
    }

    public bool Allows(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => Names.Contains("object"),
        JsonValueKind.Array => Names.Contains("array"),
        JsonValueKind.String => Names.Contains("string"),
        JsonValueKind.Number => Names.Contains("number") || (Names.Contains("integer") && IsIntegral(value)),
        JsonValueKind.True or JsonValueKind.False => Names.Contains("boolean"),
        JsonValueKind.Null => Names.Contains("null"),
        _ => false,
    };

    private static bool IsIntegral(JsonElement number) =>
        number.TryGetDecimal(out var value) ? decimal.Truncate(value) == value : number.TryGetDouble(out var d) && Math.Floor(d) == d;

    private static string[] Infer(JsonElement schema)
    {
        if (schema.TryGetProperty("properties", out _) || schema.TryGetProperty("additionalProperties", out _) || schema.TryGetProperty("required", out _))
            return ["object"];
        if (schema.TryGetProperty("items", out _) || schema.TryGetProperty("minItems", out _) || schema.TryGetProperty("maxItems", out _))
            return ["array"];
        return AllTypes;
    }
}
