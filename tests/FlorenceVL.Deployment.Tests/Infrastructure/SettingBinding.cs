using System.Reflection;

namespace FlorenceVL.Deployment.Tests.Infrastructure;

/// <summary>
/// Resolves an environment name (FlorenceVL__Scheduler__MaxNumSeqs, FeatureStore__Redis, ...__ApiKeys__0) to the
/// option property it binds to, the way the configuration binder does: '__' is ':', the section is an option class's
/// Section constant, keys match public properties case-insensitively, an integer key indexes an array or list.
/// </summary>
public static class SettingBinding
{
    private static readonly IReadOnlyList<(string Section, Type Options)> OptionClasses = FindOptionClasses();

    public static IReadOnlyList<(string Section, Type Options)> Sections => OptionClasses;

    public static PropertyInfo? Resolve(string environmentName)
    {
        var parts = environmentName.Split("__");
        foreach (var (section, type) in OptionClasses)
        {
            var sectionParts = section.Split(':');
            if (sectionParts.Length >= parts.Length
                || !sectionParts.SequenceEqual(parts[..sectionParts.Length], StringComparer.OrdinalIgnoreCase))
                continue;
            return ResolveKeys(type, parts[sectionParts.Length..]);
        }
        return null;
    }

    private static PropertyInfo? ResolveKeys(Type type, string[] keys)
    {
        var property = type.GetProperty(keys[0], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        if (property is null || property.SetMethod is not { IsPublic: true })
            return null;
        if (keys.Length == 1)
            return property;
        if (int.TryParse(keys[1], out _) && ElementType(property.PropertyType) is { } element)
            return keys.Length == 2 ? property : ResolveKeys(element, keys[2..]);
        return ResolveKeys(property.PropertyType, keys[1..]);
    }

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.IsGenericType && type.GetGenericArguments() is [var element] && typeof(System.Collections.IEnumerable).IsAssignableFrom(type) ? element
        : null;

    /// <summary>Every class in the server's assemblies that declares a public const string Section.</summary>
    private static IReadOnlyList<(string, Type)> FindOptionClasses()
    {
        Assembly[] assemblies = [typeof(FlorenceVL.Api.Options.ModelOptions).Assembly, typeof(FlorenceVL.Engine.Serving.EngineOptions).Assembly];
        return assemblies.SelectMany(a => a.GetTypes())
            .Select(t => (Field: t.GetField("Section", BindingFlags.Public | BindingFlags.Static), Type: t))
            .Where(p => p.Field is { IsLiteral: true } && p.Field.FieldType == typeof(string))
            .Select(p => ((string)p.Field!.GetRawConstantValue()!, p.Type))
            .OrderByDescending(p => p.Item1.Length)
            .ToList();
    }
}
