using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlorenceVL.Engine.Configuration;

/// <summary>Typed access to HF config fields with errors that name the file and the field.</summary>
internal readonly struct JsonFieldReader(JsonObject json, string source)
{
    public int Int(string name) => OptionalInt(name) ?? throw Missing(name);
    public double Double(string name) => OptionalDouble(name) ?? throw Missing(name);

    public int? OptionalInt(string name) => Read(name, node => node.GetValue<int>());
    public double? OptionalDouble(string name) => Read(name, node => node.GetValue<double>());
    public bool? OptionalBool(string name) => Read(name, node => node.GetValue<bool>());
    public string? OptionalString(string name) => Read(name, node => node.GetValue<string>());

    public IReadOnlyList<int> IntList(string name) => json[name] switch
    {
        null => [],
        JsonArray array => array.Select(item => item!.GetValue<int>()).ToArray(),
        JsonValue value => [value.GetValue<int>()],
        _ => throw Invalid(name),
    };

    public IReadOnlyList<int>? OptionalIntList(string name) => json[name] is null ? null : IntList(name);

    public IReadOnlyList<double>? OptionalDoubleList(string name) => json[name] switch
    {
        null => null,
        JsonArray array => array.Select(item => item!.GetValue<double>()).ToArray(),
        _ => throw Invalid(name),
    };

    public IReadOnlyList<bool>? OptionalBoolList(string name) => json[name] switch
    {
        null => null,
        JsonArray array => array.Select(item => item!.GetValue<bool>()).ToArray(),
        _ => throw Invalid(name),
    };

    public JsonObject Object(string name) => json[name] as JsonObject ?? throw Missing(name);

    private T? Read<T>(string name, Func<JsonNode, T> read) where T : struct
    {
        var node = json[name];
        if (node is null) return null;
        try { return read(node); }
        catch (Exception e) when (e is InvalidOperationException or FormatException or JsonException) { throw Invalid(name, e); }
    }

    private string? Read(string name, Func<JsonNode, string> read)
    {
        var node = json[name];
        if (node is null) return null;
        try { return read(node); }
        catch (Exception e) when (e is InvalidOperationException or FormatException) { throw Invalid(name, e); }
    }

    private ModelConfigException Missing(string name) => new($"{source}: required field '{name}' is missing.");
    private ModelConfigException Invalid(string name, Exception? inner = null) => new($"{source}: field '{name}' has an unexpected type or value.", inner);
}
