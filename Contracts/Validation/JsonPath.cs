using System.Text;

namespace FlorenceVL.Contracts.Validation;

/// <summary>
/// The JSON paths used in error params, written the way OpenAI writes them: no leading "$",
/// dotted property names and [index] for array items ("messages[0].content[1].image_url.url").
/// </summary>
internal static class JsonPath
{
    /// <summary>One step of a path: a property name or an array index.</summary>
    public readonly record struct Segment(string? Name, int? Index);

    public static string Property(string? parent, string name) => parent is null ? name : $"{parent}.{name}";

    public static string Item(string parent, int index) => $"{parent}[{index}]";

    /// <summary>Converts System.Text.Json's "$.a[0]['b.c']" into "a[0].b.c"; null for the root.</summary>
    public static string? FromSerializerPath(string? path)
    {
        var segments = Parse(path);
        if (segments.Count == 0)
            return null;
        var text = new StringBuilder();
        foreach (var segment in segments)
        {
            if (segment.Index is { } index)
                text.Append('[').Append(index).Append(']');
            else
                text.Append(text.Length == 0 ? "" : ".").Append(segment.Name);
        }
        return text.ToString();
    }

    public static IReadOnlyList<Segment> Parse(string? path)
    {
        var segments = new List<Segment>();
        if (string.IsNullOrEmpty(path))
            return segments;
        var i = path[0] == '$' ? 1 : 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = IndexOfAny(path, i + 1, '.', '[');
                segments.Add(new Segment(path[(i + 1)..end], null));
                i = end;
            }
            else if (path[i] == '[' && i + 1 < path.Length && path[i + 1] == '\'')
            {
                var end = path.IndexOf("']", i + 2, StringComparison.Ordinal);
                if (end < 0) break;
                segments.Add(new Segment(path[(i + 2)..end], null));
                i = end + 2;
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0 || !int.TryParse(path.AsSpan(i + 1, end - i - 1), out var index)) break;
                segments.Add(new Segment(null, index));
                i = end + 1;
            }
            else
            {
                break;
            }
        }
        return segments;
    }

    private static int IndexOfAny(string text, int start, char first, char second)
    {
        var end = text.IndexOfAny([first, second], start);
        return end < 0 ? text.Length : end;
    }
}
