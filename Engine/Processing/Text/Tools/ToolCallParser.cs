using System.Text.Json;

namespace FlorenceVL.Engine.Processing.Text;

/// <summary>A call read from the model's output: the function and its arguments as compact JSON text.</summary>
public sealed record ParsedToolCall(string Name, string ArgumentsJson);

/// <summary>Reads the calls of a finished answer written in a <see cref="ToolCallFormat"/>; the grammar made it well formed.</summary>
public static class ToolCallParser
{
    /// <summary>The calls, or null when the text is not a complete call document (an answer cut by max_tokens).</summary>
    public static IReadOnlyList<ParsedToolCall>? Parse(string text, ToolCallFormat format)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            var objects = format.Shape == ToolCallShape.Array && root.ValueKind == JsonValueKind.Array
                ? root.EnumerateArray().ToList()
                : [root];
            var calls = new List<ParsedToolCall>(objects.Count);
            foreach (var call in objects)
            {
                if (call.ValueKind != JsonValueKind.Object
                    || !call.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String
                    || !call.TryGetProperty(format.ArgumentsKey, out var arguments))
                    return null;
                calls.Add(new ParsedToolCall(name.GetString()!, arguments.GetRawText()));
            }
            return calls.Count == 0 ? null : calls;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
