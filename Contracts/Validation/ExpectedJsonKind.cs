using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FlorenceVL.Contracts.Chat;

namespace FlorenceVL.Contracts.Validation;

/// <summary>
/// Finds what kind of JSON value the contract expects at a path, by walking the source-generated metadata, so a
/// type error can say "expected a number" without leaking .NET type names to clients.
/// </summary>
internal static class ExpectedJsonKind
{
    public static string? At(Type rootType, IReadOnlyList<JsonPath.Segment> segments, JsonSerializerOptions options)
    {
        var type = rootType;
        foreach (var segment in segments)
        {
            var next = segment.Index is null ? PropertyType(type, segment.Name!, options) : ItemType(type, options);
            if (next is null)
                return null;
            type = next;
        }
        return Describe(type);
    }

    private static Type? ItemType(Type type, JsonSerializerOptions options)
    {
        if (type == typeof(MessageContent)) return typeof(ContentPart);
        if (type == typeof(StopSequences)) return typeof(string);
        return options.GetTypeInfo(type).ElementType;
    }

    private static Type? PropertyType(Type type, string name, JsonSerializerOptions options)
    {
        var typeInfo = options.GetTypeInfo(type);
        if (typeInfo.Kind == JsonTypeInfoKind.Dictionary)
            return typeInfo.ElementType;
        var candidates = new[] { typeInfo }.Concat(
            typeInfo.PolymorphismOptions?.DerivedTypes.Select(d => options.GetTypeInfo(d.DerivedType)) ?? []);
        return candidates.SelectMany(t => t.Properties).FirstOrDefault(p => p.Name == name)?.PropertyType;
    }

    private static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return "a string";
        if (type == typeof(bool)) return "a boolean";
        if (type == typeof(int)) return "a 32-bit integer";
        if (type == typeof(long)) return "a 64-bit integer";
        if (type == typeof(double)) return "a number";
        if (type == typeof(MessageContent)) return "one of a string or array of objects";
        if (type == typeof(StopSequences)) return "one of a string or array of strings";
        if (type.IsAssignableTo(typeof(System.Collections.IDictionary)) || type.Name.StartsWith("IReadOnlyDictionary", StringComparison.Ordinal))
            return "an object";
        if (type.IsAssignableTo(typeof(System.Collections.IEnumerable))) return "an array";
        return "an object";
    }
}
