using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlorenceVL.Engine.Processing.Text;

/// <summary>
/// The text a chat template adds for tools: the definitions the model sees, an assistant turn's calls and a tool
/// result. Llama 3.1's strings follow Meta's chat template (definitions in the first user message, results in an
/// "ipython" turn); Phi-3.5's follow <see cref="ToolCallFormat"/>'s design (definitions in the system block).
/// </summary>
internal static class ToolPrompts
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, IndentSize = 4 };

    public static string PhiSystemAddendum(IReadOnlyList<ToolSpec> tools)
    {
        var text = new StringBuilder("\n\nYou can call these tools:\n");
        foreach (var tool in tools) text.Append(Definition(tool).ToJsonString()).Append('\n');
        return text.Append("To call tools, answer with only a JSON array of calls: ")
            .Append("[{\"name\": \"<tool name>\", \"arguments\": {<arguments>}}]. Otherwise answer in plain text.")
            .ToString();
    }

    /// <summary>Meta's Llama 3.1 template with tools_in_user_message (its default): put before the first user text.</summary>
    public static string LlamaUserPreface(IReadOnlyList<ToolSpec> tools)
    {
        var text = new StringBuilder(
            "Given the following functions, please respond with a JSON for a function call with its proper arguments "
            + "that best answers the given prompt.\n\nRespond in the format {\"name\": function name, \"parameters\": "
            + "dictionary of argument name and its value}.Do not use variables.\n\n");
        foreach (var tool in tools)
        {
            var wrapped = new JsonObject { ["type"] = "function", ["function"] = Definition(tool) };
            text.Append(wrapped.ToJsonString(Indented)).Append("\n\n");
        }
        return text.ToString();
    }

    public static string Calls(ToolCallFormat format, IReadOnlyList<ToolCallSpec> calls)
    {
        var objects = calls.Select(c => $"{{\"name\": {JsonSerializer.Serialize(c.Name)}, \"{format.ArgumentsKey}\": {c.ArgumentsJson.Trim()}}}");
        return format.Shape == ToolCallShape.Array ? "[" + string.Join(", ", objects) + "]" : string.Join("; ", objects);
    }

    public static string PhiToolResult(string? toolName, string content) =>
        $"Result of the tool call{(toolName is null ? "" : $" to {toolName}")}: {content}";

    private static JsonObject Definition(ToolSpec tool)
    {
        var definition = new JsonObject { ["name"] = tool.Name };
        if (tool.Description is { } description) definition["description"] = description;
        definition["parameters"] = JsonNode.Parse(tool.ParametersJson);
        return definition;
    }
}
