using System.Text.Json.Nodes;

namespace FlorenceVL.Tests.Shared;

/// <summary>Random schemas from the supported subset (OpenAI strict mode plus type arrays, minItems/maxItems, $ref recursion).</summary>
public static class RandomSchemas
{
    private static readonly string[] EnumStrings = ["red", "grün", "日本", "a\"b", "", "x y"];

    public static JsonObject Generate(Random random)
    {
        var schema = Node(random, depth: 0);
        if (random.Next(4) != 0) return schema;
        // A recursive linked list through $defs, hung on an object so the root stays an arbitrary node.
        return new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject { ["head"] = schema, ["list"] = new JsonObject { ["$ref"] = "#/$defs/list" } },
            ["required"] = new JsonArray("head", "list"),
            ["additionalProperties"] = false,
            ["$defs"] = new JsonObject
            {
                ["list"] = new JsonObject
                {
                    ["type"] = "object",
                    ["properties"] = new JsonObject
                    {
                        ["value"] = new JsonObject { ["type"] = "integer" },
                        ["next"] = new JsonObject { ["anyOf"] = new JsonArray(new JsonObject { ["$ref"] = "#/$defs/list" }, new JsonObject { ["type"] = "null" }) },
                    },
                    ["required"] = new JsonArray("value", "next"),
                    ["additionalProperties"] = false,
                },
            },
        };
    }

    private static JsonObject Node(Random random, int depth)
    {
        var kind = random.Next(depth >= 3 ? 7 : 11);
        return kind switch
        {
            0 => Typed("string"),
            1 => Typed("number"),
            2 => Typed("integer"),
            3 => Typed("boolean"),
            4 => Typed("null"),
            5 => new JsonObject { ["enum"] = new JsonArray(Pick(random, 3).Select(s => (JsonNode?)JsonValue.Create(s)).Append(JsonValue.Create(random.Next(-5, 50))).ToArray()) },
            6 => new JsonObject { ["type"] = new JsonArray("string", "null"), ["description"] = "ignored" },
            7 => Object(random, depth),
            8 => Array(random, depth),
            9 => new JsonObject { ["anyOf"] = new JsonArray(Node(random, depth + 1), Node(random, depth + 1)) },
            _ => new JsonObject { ["const"] = EnumStrings[random.Next(EnumStrings.Length)] },
        };
    }

    private static JsonObject Typed(string type) => new() { ["type"] = type };

    private static IEnumerable<string> Pick(Random random, int count) => Enumerable.Range(0, count).Select(_ => EnumStrings[random.Next(EnumStrings.Length)]).Distinct();

    private static JsonObject Object(Random random, int depth)
    {
        var properties = new JsonObject();
        var required = new JsonArray();
        var numProperties = random.Next(0, 5);
        for (var i = 0; i < numProperties; i++)
        {
            var name = i % 2 == 0 ? $"p{i}" : $"ключ{i}";
            properties[name] = Node(random, depth + 1);
            if (random.Next(2) == 0) required.Add(name);
        }
        return new JsonObject { ["type"] = "object", ["properties"] = properties, ["required"] = required, ["additionalProperties"] = false };
    }

    private static JsonObject Array(Random random, int depth)
    {
        var array = new JsonObject { ["type"] = "array", ["items"] = Node(random, depth + 1) };
        var minItems = random.Next(0, 3);
        if (random.Next(2) == 0) array["minItems"] = minItems;
        if (random.Next(2) == 0) array["maxItems"] = minItems + random.Next(0, 3);
        return array;
    }
}
