using System.Globalization;
using YamlDotNet.Serialization;

namespace FlorenceVL.Deployment.Tests.Infrastructure;

/// <summary>
/// helm/florencevl/values.yaml (optionally with an override file merged on top, as `helm -f` does) as nested
/// dictionaries of strings, plus the chart's settings-to-environment rule (templates/_helpers.tpl, settingsEnv).
/// </summary>
public sealed class ChartValues(Dictionary<object, object?> root)
{
    public const string ChartFolder = "helm/florencevl";

    public static ChartValues Load(string? overrideFile = null)
    {
        var values = Parse(Repository.Read(ChartFolder, "values.yaml"));
        if (overrideFile is not null)
            Merge(values, Parse(Repository.Read(ChartFolder, overrideFile)));
        return new ChartValues(values);
    }

    public static Dictionary<object, object?> Parse(string yaml) =>
        new DeserializerBuilder().Build().Deserialize<Dictionary<object, object?>>(yaml) ?? [];

    public bool TryGet(string dottedPath, out object? value)
    {
        value = root;
        foreach (var part in dottedPath.Split('.'))
        {
            if (value is not Dictionary<object, object?> map || !map.TryGetValue(part, out value))
                return false;
        }
        return true;
    }

    public object? Get(string dottedPath) =>
        TryGet(dottedPath, out var value) ? value : throw new KeyNotFoundException($"values.yaml has no {dottedPath}.");

    public string Text(string dottedPath) => Get(dottedPath) as string ?? throw new InvalidCastException($"{dottedPath} is not a scalar.");

    public int Int(string dottedPath) => int.Parse(Text(dottedPath), CultureInfo.InvariantCulture);

    public Dictionary<object, object?> Map(string dottedPath) => Get(dottedPath) as Dictionary<object, object?> ?? [];

    /// <summary>
    /// The ConfigMap the chart renders: config.&lt;section&gt; as FlorenceVL__&lt;Section&gt;__&lt;Key&gt;, featureStore as
    /// FeatureStore__&lt;Key&gt;; first letters upper-cased, lists indexed, nulls and empty strings left out.
    /// </summary>
    public Dictionary<string, string> SettingsEnvironment()
    {
        var env = new Dictionary<string, string>();
        foreach (var (section, values) in Map("config"))
            AddSettings(env, "FlorenceVL__" + Title((string)section), values);
        AddSettings(env, "FeatureStore", Map("featureStore"));
        return env;
    }

    private static void AddSettings(Dictionary<string, string> env, string name, object? value)
    {
        switch (value)
        {
            case Dictionary<object, object?> map:
                foreach (var (key, item) in map)
                    AddSettings(env, $"{name}__{Title((string)key)}", item);
                break;
            case List<object?> list:
                for (var i = 0; i < list.Count; i++)
                    AddSettings(env, $"{name}__{i}", list[i]);
                break;
            case string text when text.Length > 0 && text != "null" && text != "~":
                env[name] = text;
                break;
        }
    }

    private static string Title(string key) => char.ToUpperInvariant(key[0]) + key[1..];

    private static void Merge(Dictionary<object, object?> target, Dictionary<object, object?> source)
    {
        foreach (var (key, value) in source)
        {
            if (value is Dictionary<object, object?> map && target.TryGetValue(key, out var existing) && existing is Dictionary<object, object?> existingMap)
                Merge(existingMap, map);
            else
                target[key] = value;
        }
    }
}
