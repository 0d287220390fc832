using System.Text.Json.Nodes;

namespace FlorenceVL.Contracts.Tests;

/// <summary>
/// Field-by-field comparison of our JSON with an OpenAI documented example. Paths name array items as "[]"
/// ("choices[].message.refusal"). Every difference must be listed as a deliberate addition or omission.
/// </summary>
internal static class JsonShape
{
    public static void AssertMatches(string documented, string ours, string[]? additions = null, string[]? omissions = null)
    {
        var differences = new List<string>();
        Compare(JsonNode.Parse(documented), JsonNode.Parse(ours), "", differences,
            additions?.ToHashSet() ?? [], omissions?.ToHashSet() ?? []);
        Assert.True(differences.Count == 0, string.Join("\n", differences) + "\nours: " + ours);
    }

    private static void Compare(JsonNode? expected, JsonNode? actual, string path, List<string> differences,
        HashSet<string> additions, HashSet<string> omissions)
    {
        switch (expected, actual)
        {
            case (JsonObject e, JsonObject a):
                foreach (var (name, value) in e)
                {
                    var child = path.Length == 0 ? name : $"{path}.{name}";
                    if (a.ContainsKey(name))
                        Compare(value, a[name], child, differences, additions, omissions);
                    else if (!omissions.Contains(child))
                        differences.Add($"missing {child}");
                }
                foreach (var (name, _) in a)
                {
                    var child = path.Length == 0 ? name : $"{path}.{name}";
                    if (!e.ContainsKey(name) && !additions.Contains(child))
                        differences.Add($"extra {child}");
                }
                break;
            case (JsonArray e, JsonArray a):
                if (e.Count != a.Count)
                    differences.Add($"{path}: {a.Count} items instead of {e.Count}");
                for (var i = 0; i < Math.Min(e.Count, a.Count); i++)
                    Compare(e[i], a[i], path + "[]", differences, additions, omissions);
                break;
            default:
                if (!JsonNode.DeepEquals(expected, actual))
                    differences.Add($"{path}: {actual?.ToJsonString() ?? "null"} instead of {expected?.ToJsonString() ?? "null"}");
                break;
        }
    }
}
