using System.Text.Json;
using FlorenceVL.Contracts.Chat;
using FlorenceVL.Contracts.Errors;

namespace FlorenceVL.Contracts.Validation;

/// <summary>
/// The "tools" and "tool_choice" part of <see cref="ChatRequestValidator"/>: wire shape only. The engine compiles
/// each function's parameters and refuses the keywords it cannot enforce. parallel_tool_calls needs no check:
/// SDKs send it with or without tools, and OpenAI accepts it either way.
/// </summary>
internal static class ToolsValidator
{
    /// <summary>OpenAI's fixed bound on the number of tools.</summary>
    public const int MaxTools = 128;

    private const string ToolsParam = "tools";
    private const string ChoiceParam = "tool_choice";

    public static void Validate(List<RequestError> errors, ChatCompletionRequest request, int maxSchemaBytes)
    {
        ValidateTools(errors, request.Tools, maxSchemaBytes);
        ValidateToolChoice(errors, request.ToolChoice, request.Tools);
    }

    internal static void ValidateTools(List<RequestError> errors, IReadOnlyList<ToolDefinition>? tools, int maxSchemaBytes)
    {
        if (tools is null)
            return;
        if (tools.Count == 0)
        {
            errors.Add(new RequestError(
                "Invalid 'tools': empty array. Expected an array with minimum length 1, but got an empty array instead.",
                ToolsParam, OpenAIErrorCodes.EmptyArray));
            return;
        }
        if (tools.Count > MaxTools)
            errors.Add(new RequestError(
                $"Invalid 'tools': array too long. Expected an array with maximum length {MaxTools}, "
                + $"but got an array with length {tools.Count} instead.",
                ToolsParam, OpenAIErrorCodes.ArrayAboveMaxLength));
        var names = new HashSet<string>(StringComparer.Ordinal);
        long schemaBytes = 0;
        for (var i = 0; i < tools.Count; i++)
            schemaBytes += ValidateTool(errors, JsonPath.Item(ToolsParam, i), tools[i], names);
        // The sum, not each schema: every function's grammar is compiled for the one request.
        if (schemaBytes > maxSchemaBytes)
            errors.Add(SchemaRules.TooLarge(ToolsParam, "the sum of the functions' parameters", schemaBytes, maxSchemaBytes));
    }

    /// <summary>Returns the size of the tool's parameters schema in bytes of JSON.</summary>
    private static int ValidateTool(List<RequestError> errors, string path, ToolDefinition? tool, HashSet<string> names)
    {
        if (tool is null)
        {
            errors.Add(MessagesValidator.NullWhereObjectExpected(path));
            return 0;
        }
        UnrecognizedFieldPolicy.CheckStrict(errors, path, tool.UnrecognizedFields);
        var typePath = JsonPath.Property(path, "type");
        if (tool.Type is null)
            errors.Add(ChatRequestValidator.Missing(typePath));
        else if (tool.Type != ToolTypes.Function)
            errors.Add(new RequestError(
                $"Invalid value for '{typePath}': '{tool.Type}'. Supported values are: 'function'.",
                typePath, OpenAIErrorCodes.InvalidValue));
        var functionPath = JsonPath.Property(path, "function");
        if (tool.Function is not { } function)
        {
            errors.Add(ChatRequestValidator.Missing(functionPath));
            return 0;
        }
        UnrecognizedFieldPolicy.CheckStrict(errors, functionPath, function.UnrecognizedFields);
        var namePath = JsonPath.Property(functionPath, "name");
        // Calls name their function, so two functions with one name would make a call ambiguous.
        if (SchemaRules.CheckName(errors, namePath, function.Name) && !names.Add(function.Name!))
            errors.Add(new RequestError(
                $"Invalid '{namePath}': Duplicate function name '{function.Name}'. Each function in 'tools' must have a unique name.",
                namePath, OpenAIErrorCodes.InvalidValue));
        var parametersPath = JsonPath.Property(functionPath, "parameters");
        // A call's arguments are an object of named values (OpenAI refuses any other root type the same way).
        if (function.Parameters is { ValueKind: JsonValueKind.Object } parameters
            && parameters.TryGetProperty("type", out var rootType) && !(rootType.ValueKind == JsonValueKind.String && rootType.ValueEquals("object")))
            errors.Add(new RequestError(
                $"Invalid schema for function '{function.Name}': schema must be a JSON Schema of 'type: \"object\"', got 'type: {rootType.GetRawText()}'.",
                parametersPath, OpenAIErrorCodes.InvalidValue));
        return SchemaRules.CheckSchemaObject(errors, parametersPath, function.Parameters);
    }

    private static void ValidateToolChoice(List<RequestError> errors, ToolChoice? choice, IReadOnlyList<ToolDefinition>? tools)
    {
        if (choice is null)
            return;
        if (choice.Mode is { } mode)
        {
            if (!ToolChoiceModes.IsSupported(mode))
                errors.Add(new RequestError(
                    $"Invalid value for '{ChoiceParam}': '{mode}'. Supported values are: 'none', 'auto', and 'required'.",
                    ChoiceParam, OpenAIErrorCodes.InvalidValue));
            // "none" asks for nothing, and SDKs send it by default.
            else if (mode != ToolChoiceModes.None && tools is null)
                errors.Add(OnlyWithTools());
            return;
        }
        if (!IsWellFormedNamedChoice(errors, choice))
            return;
        if (tools is null)
            errors.Add(OnlyWithTools());
        // An empty tools array is reported on its own; naming a function from it would only repeat that.
        else if (tools.Count > 0 && !tools.Any(tool => tool?.Function?.Name == choice.FunctionName))
            errors.Add(new RequestError(
                $"Invalid value for '{ChoiceParam}': function '{choice.FunctionName}' is not one of the tools.",
                ChoiceParam, OpenAIErrorCodes.InvalidValue));
    }

    private static bool IsWellFormedNamedChoice(List<RequestError> errors, ToolChoice choice)
    {
        var typePath = JsonPath.Property(ChoiceParam, "type");
        var valid = true;
        if (choice.Type is null)
        {
            errors.Add(ChatRequestValidator.Missing(typePath));
            valid = false;
        }
        else if (choice.Type != ToolTypes.Function)
        {
            errors.Add(new RequestError(
                $"Invalid value for '{typePath}': '{choice.Type}'. Supported values are: 'function'.",
                typePath, OpenAIErrorCodes.InvalidValue));
            valid = false;
        }
        if (choice.FunctionName is null)
        {
            errors.Add(ChatRequestValidator.Missing(JsonPath.Property(ChoiceParam, "function.name")));
            valid = false;
        }
        return valid;
    }

    private static RequestError OnlyWithTools() =>
        new("'tool_choice' is only allowed when 'tools' are specified.", ChoiceParam, OpenAIErrorCodes.InvalidValue);
}
