using System.Text.Json.Nodes;

namespace FlorenceVL.Engine.Processing.Text;

/// <summary>
/// JSON Schemas that the grammar engine compiles for tool calls. A named call is its function's parameters; a
/// call among several is a call object per tool (name as a const, arguments as the tool's parameters) under anyOf,
/// in an array for <see cref="ToolCallShape.Array"/> formats. Each tool's parameters move under $defs with their own
/// definitions renamed, so a "#"-relative $ref inside a tool keeps pointing into that tool once it is embedded.
/// </summary>
public static class ToolCallSchema
{
    public static string ForNamedCall(ToolSpec tool) => tool.ParametersJson;

    public static string ForCalls(IReadOnlyList<ToolSpec> tools, ToolCallFormat format, bool parallel)
    {
        var definitions = new JsonObject();
        var calls = new JsonArray();
        for (var i = 0; i < tools.Count; i++)
        {
            var root = $"tool{i}";
            var parameters = JsonNode.Parse(tools[i].ParametersJson)!.AsObject();
            foreach (var key in new[] { "$defs", "definitions" })
            {
                if (parameters[key] is not JsonObject defs) continue;
                parameters.Remove(key);
                foreach (var (name, definition) in defs.ToList())
                {
                    defs.Remove(name);
                    definitions[$"{root}.{key}.{name}"] = RewriteRefs(definition, root);
                }
            }
            definitions[root] = RewriteRefs(parameters, root);
            calls.Add(new JsonObject
            {
                ["type"] = "object",
                ["properties"] = new JsonObject
                {
                    ["name"] = new JsonObject { ["const"] = tools[i].Name },
                    [format.ArgumentsKey] = new JsonObject { ["$ref"] = $"#/$defs/{root}" },
                },
                ["required"] = new JsonArray("name", format.ArgumentsKey),
                ["additionalProperties"] = false,
            });
        }
        JsonObject call = calls.Count == 1 ? calls[0]!.DeepClone().AsObject() : new JsonObject { ["anyOf"] = calls };
        var schema = format.Shape == ToolCallShape.Array
            ? new JsonObject { ["type"] = "array", ["items"] = call, ["minItems"] = 1 }
            : call;
        if (format.Shape == ToolCallShape.Array && !parallel) schema["maxItems"] = 1;
        schema["$defs"] = definitions;
        return schema.ToJsonString();
    }

    /// <summary>Points a tool's "#..." references at its new home: "#" is the tool's root, "#/$defs/x" its renamed x.</summary>
    private static JsonNode? RewriteRefs(JsonNode? node, string root)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (key == "$ref" && value is JsonValue v && v.TryGetValue<string>(out var target))
                        obj[key] = Retarget(target, root);
                    else
                        obj[key] = RewriteRefs(value?.DeepClone(), root);
                }
                return obj;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++) array[i] = RewriteRefs(array[i]?.DeepClone(), root);
                return array;
            default:
                return node;
        }
    }

    private static string Retarget(string target, string root)
    {
        if (target == "#") return $"#/$defs/{root}";
        foreach (var key in new[] { "$defs", "definitions" })
        {
            var prefix = $"#/{key}/";
            if (target.StartsWith(prefix, StringComparison.Ordinal))
                return $"#/$defs/{root}.{key}.{target[prefix.Length..]}";
        }
        return target; // anything else is refused by the compiler, naming it
    }
}
