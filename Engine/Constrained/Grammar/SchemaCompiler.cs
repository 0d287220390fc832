using System.Text.Json;

namespace FlorenceVL.Engine.Constrained;

/// <summary>
/// Turns a JSON Schema (OpenAI's strict-mode subset) into a grammar node graph. Every keyword is either enforced
/// or listed as ignorable annotation; anything else is refused with its JSON path, so a grammar is never looser
/// than its schema. It may be stricter (properties in declaration order, no undeclared properties), which still
/// validates.
/// </summary>
internal sealed class SchemaCompiler
{
    private static readonly HashSet<string> AnnotationKeywords =
        ["description", "title", "$schema", "$id", "$comment", "default", "examples", "deprecated", "readOnly", "writeOnly"];

    private static readonly HashSet<string> EnforcedKeywords =
        ["type", "properties", "required", "additionalProperties", "enum", "const", "items", "minItems", "maxItems",
         "anyOf", "$ref", "$defs", "definitions"];

    private readonly JsonElement _root;
    private readonly GrammarLimits _limits;
    private readonly Dictionary<string, RefNode> _definitions = new(StringComparer.Ordinal);
    private readonly List<GrammarNode> _allNodes = [];
    private readonly Lazy<GrammarNode> _anyValue;
    private int _numSchemaNodes;

    private SchemaCompiler(JsonElement root, GrammarLimits limits)
    {
        _root = root;
        _limits = limits;
        _anyValue = new Lazy<GrammarNode>(BuildAnyValue);
    }

    public static GrammarNode CompileSchema(JsonElement schema, GrammarLimits limits)
    {
        var compiler = new SchemaCompiler(schema, limits);
        var root = compiler.Compile(schema, "$", depth: 0);
        return compiler.Finish(root, "$");
    }

    /// <summary>Plain JSON mode (<c>json_object</c>): any object, values of any JSON type.</summary>
    public static GrammarNode CompileAnyObject(GrammarLimits limits)
    {
        var compiler = new SchemaCompiler(default, limits);
        var root = compiler.Add(new MapNode { Value = compiler._anyValue.Value });
        return compiler.Finish(root, "$");
    }

    private GrammarNode Finish(GrammarNode root, string path)
    {
        MinDepthAnalysis.Run(_allNodes);
        if (root.MinDepth > _limits.MaxValueDepth)
            throw new UnsupportedSchemaException("The schema admits no finite JSON value within the nesting limit.", "$ref", path);
        return root;
    }

    private GrammarNode Compile(JsonElement schema, string path, int depth)
    {
        if (++_numSchemaNodes > _limits.MaxSchemaNodes)
            throw new UnsupportedSchemaException($"The schema has more than {_limits.MaxSchemaNodes} subschemas.", "$", path);
        if (depth > _limits.MaxSchemaDepth)
            throw new UnsupportedSchemaException($"The schema nests deeper than {_limits.MaxSchemaDepth} levels.", "$", path);
        if (schema.ValueKind == JsonValueKind.True) return _anyValue.Value;
        if (schema.ValueKind != JsonValueKind.Object)
            throw new UnsupportedSchemaException("A schema must be an object (or true).", "$", path);
        CheckKeywords(schema, path);
        return CompileObjectSchema(schema, path, depth);
    }

    private static void CheckKeywords(JsonElement schema, string path)
    {
        foreach (var keyword in schema.EnumerateObject())
        {
            if (!EnforcedKeywords.Contains(keyword.Name) && !AnnotationKeywords.Contains(keyword.Name))
                throw new UnsupportedSchemaException("This keyword is not enforced by the grammar engine.", keyword.Name, $"{path}.{keyword.Name}");
        }
    }

    private GrammarNode CompileObjectSchema(JsonElement schema, string path, int depth)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            RefuseSiblings(schema, path, "$ref");
            return ResolveReference(reference, $"{path}.$ref");
        }
        if (schema.TryGetProperty("anyOf", out var anyOf))
        {
            RefuseSiblings(schema, path, "anyOf");
            return CompileAnyOf(anyOf, $"{path}.anyOf", depth);
        }
        var types = TypeSet.Read(schema, path);
        if (schema.TryGetProperty("enum", out _) || schema.TryGetProperty("const", out _))
            return Add(LiteralCompiler.Compile(schema, types, path));
        var alternatives = types.Names.Select(type => CompileType(type, schema, path, depth)).ToList();
        if (alternatives.Count == 1) return alternatives[0];
        var union = new UnionNode();
        union.Alternatives.AddRange(alternatives);
        return Add(union);
    }

    /// <summary>anyOf and $ref take their whole schema: a sibling would mean an intersection, which is not enforced.</summary>
    private static void RefuseSiblings(JsonElement schema, string path, string keyword)
    {
        foreach (var sibling in schema.EnumerateObject())
        {
            if (sibling.Name != keyword && !AnnotationKeywords.Contains(sibling.Name) && sibling.Name is not ("$defs" or "definitions"))
                throw new UnsupportedSchemaException($"'{sibling.Name}' beside '{keyword}' is not enforced.", sibling.Name, $"{path}.{sibling.Name}");
        }
    }

    private GrammarNode CompileAnyOf(JsonElement anyOf, string path, int depth)
    {
        if (anyOf.ValueKind != JsonValueKind.Array || anyOf.GetArrayLength() == 0)
            throw new UnsupportedSchemaException("anyOf must be a non-empty array.", "anyOf", path);
        var union = new UnionNode();
        var index = 0;
        foreach (var alternative in anyOf.EnumerateArray())
            union.Alternatives.Add(Compile(alternative, $"{path}[{index++}]", depth + 1));
        return Add(union);
    }

    private GrammarNode CompileType(string type, JsonElement schema, string path, int depth) => type switch
    {
        "object" => ObjectCompiler.Compile(schema, path, depth, Compile, Add, _anyValue),
        "array" => CompileArray(schema, path, depth),
        "string" => Add(new StringNode()),
        "number" => Add(new NumberNode(isInteger: false)),
        "integer" => Add(new NumberNode(isInteger: true)),
        "boolean" => Add(new LiteralNode([[.."true"u8], [.."false"u8]])),
        "null" => Add(new LiteralNode([[.."null"u8]])),
        _ => throw new UnsupportedSchemaException($"Unknown type '{type}'.", "type", $"{path}.type"),
    };

    private GrammarNode CompileArray(JsonElement schema, string path, int depth)
    {
        var minItems = ReadCount(schema, "minItems", path) ?? 0;
        var maxItems = ReadCount(schema, "maxItems", path) ?? int.MaxValue;
        if (minItems > maxItems)
            throw new UnsupportedSchemaException("minItems is greater than maxItems.", "minItems", $"{path}.minItems");
        var array = new ArrayNode(minItems, maxItems);
        array.Items = schema.TryGetProperty("items", out var items)
            ? Compile(items, $"{path}.items", depth + 1)
            : _anyValue.Value;
        return Add(array);
    }

    private static int? ReadCount(JsonElement schema, string keyword, string path)
    {
        if (!schema.TryGetProperty(keyword, out var value)) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var count) || count < 0)
            throw new UnsupportedSchemaException($"{keyword} must be a non-negative integer.", keyword, $"{path}.{keyword}");
        return count;
    }

    private GrammarNode ResolveReference(JsonElement reference, string path)
    {
        var target = reference.ValueKind == JsonValueKind.String ? reference.GetString()! : "";
        if (_definitions.TryGetValue(target, out var known)) return known;
        var node = Add(new RefNode());
        _definitions[target] = node;
        node.Target = target == "#"
            ? Compile(_root, "$", depth: 0)
            : Compile(FindDefinition(target, path), DefinitionPath(target), depth: 1);
        return node;
    }

    private JsonElement FindDefinition(string target, string path)
    {
        foreach (var prefix in (string[])["#/$defs/", "#/definitions/"])
        {
            if (!target.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var name = target[prefix.Length..].Replace("~1", "/").Replace("~0", "~");
            if (_root.ValueKind == JsonValueKind.Object && _root.TryGetProperty(prefix[2..^1], out var defs)
                && defs.ValueKind == JsonValueKind.Object && defs.TryGetProperty(name, out var definition))
                return definition;
        }
        throw new UnsupportedSchemaException($"Only references to '#', '#/$defs/...' or '#/definitions/...' of this schema are supported; '{target}' is not one.", "$ref", path);
    }

    private static string DefinitionPath(string target) => "$." + target[2..].Replace('/', '.');

    private T Add<T>(T node) where T : GrammarNode
    {
        _allNodes.Add(node);
        return node;
    }

    private GrammarNode BuildAnyValue()
    {
        var any = new UnionNode();
        Add(any);
        var array = Add(new ArrayNode(0, int.MaxValue) { Items = any });
        var map = Add(new MapNode { Value = any });
        any.Alternatives.AddRange([map, array, Add(new StringNode()), Add(new NumberNode(isInteger: false)),
            Add(new LiteralNode([[.."true"u8], [.."false"u8], [.."null"u8]]))]);
        return any;
    }
}
