using System.Text.Json;
using System.Text.RegularExpressions;
using FlorenceVL.Contracts;
using FlorenceVL.Contracts.Chat;
using FlorenceVL.Contracts.Errors;
using FlorenceVL.Contracts.Responses;
using FlorenceVL.Contracts.Validation;

namespace FlorenceVL.Api.Responses;

/// <summary>
/// A Responses request as the chat request it means, and where each chat message came from (so that a refusal the
/// chat path words for <c>messages[k]</c> can name the Responses field instead).
/// </summary>
public sealed record TranslatedRequest(ChatCompletionRequest Chat, IReadOnlyList<string> MessagePaths);

/// <summary>
/// Checks what only the Responses form can get wrong (the stateful and built-in features this server refuses, item
/// and part types, the flat tool form) and translates the rest into a <see cref="ChatCompletionRequest"/>, which
/// the chat path then validates and runs unchanged: instructions become the first system message, input items
/// become messages (function_call items an assistant message's tool_calls, function_call_output items tool
/// messages), text.format becomes response_format, flat function tools become chat tools.
/// </summary>
public static partial class ResponsesTranslator
{
    public static TranslatedRequest Translate(ResponsesRequest request, out RequestError? error)
    {
        var errors = new List<RequestError>();
        CheckStateless(errors, request);
        ResponsesFieldPolicy.CheckRequest(errors, request.UnrecognizedFields);
        var paths = new List<string>();
        var messages = new List<ChatMessage>();
        if (request.Instructions is { } instructions)
        {
            messages.Add(new ChatMessage { Role = ChatRole.System, Content = instructions });
            paths.Add("instructions");
        }
        if (request.InputText is { } text)
        {
            messages.Add(new ChatMessage { Role = ChatRole.User, Content = text });
            paths.Add("input");
        }
        else if (request.InputItems is { } items)
            AddItems(errors, items, messages, paths);
        else
            errors.Add(new RequestError("Missing required parameter: 'input'.", "input", OpenAIErrorCodes.MissingRequiredParameter));
        var chat = new ChatCompletionRequest
        {
            Model = request.Model,
            Messages = messages,
            MaxCompletionTokens = request.MaxOutputTokens,
            Temperature = request.Temperature,
            TopP = request.TopP,
            User = request.User,
            Metadata = request.Metadata,
            ResponseFormat = Format(errors, request.Text),
            Tools = Tools(errors, request.Tools),
            ToolChoice = ToolChoice(errors, request.ToolChoice),
            ParallelToolCalls = request.ParallelToolCalls,
        };
        error = errors.FirstOrDefault();
        return new TranslatedRequest(chat, paths);
    }

    private static void CheckStateless(List<RequestError> errors, ResponsesRequest request)
    {
        if (request.PreviousResponseId is not null)
            errors.Add(ResponsesFieldPolicy.Unsupported("previous_response_id",
                "this server is stateless and keeps no responses to continue from; send the whole conversation in 'input' "
                + "(earlier output items included)"));
        if (request.Truncation is "auto")
            errors.Add(new RequestError(
                "Unsupported value: 'truncation' does not support 'auto' with this server, which never drops input; "
                + "use 'disabled' and shorten the input.", "truncation", OpenAIErrorCodes.UnsupportedValue));
        else if (request.Truncation is not (null or "disabled"))
            errors.Add(new RequestError(
                $"Invalid value: '{request.Truncation}'. Supported values are: 'disabled'.", "truncation", OpenAIErrorCodes.InvalidValue));
        if (request.Include is { Count: > 0 })
            errors.Add(ResponsesFieldPolicy.Unsupported("include", "there are no extra outputs (reasoning, logprobs, tool results) to include"));
    }

    private static void AddItems(List<RequestError> errors, IReadOnlyList<ResponsesInputItem> items, List<ChatMessage> messages, List<string> paths)
    {
        if (items.Count == 0)
            errors.Add(new RequestError(
                "Invalid 'input': empty array. Expected an array with minimum length 1, but got an empty array instead.",
                "input", OpenAIErrorCodes.EmptyArray));
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var path = $"input[{i}]";
            ResponsesFieldPolicy.CheckStrict(errors, path, item.UnrecognizedFields);
            switch (item.Type ?? (item.Role is not null ? ResponsesTypes.Message : null))
            {
                case ResponsesTypes.Message:
                    messages.Add(Message(errors, item, path));
                    paths.Add(path);
                    break;
                case ResponsesTypes.FunctionCall:
                    var call = new ToolCall
                    {
                        Id = Required(errors, item.CallId, $"{path}.call_id"),
                        Type = ToolTypes.Function,
                        Function = new FunctionCall { Name = Required(errors, item.Name, $"{path}.name"), Arguments = Required(errors, item.Arguments, $"{path}.arguments") },
                    };
                    // Calls in a row are one assistant turn's parallel calls, joined to the turn's text if it had any.
                    if (i > 0 && messages is [.., { Role: ChatRole.Assistant } last] && items[i - 1].Type is ResponsesTypes.FunctionCall or ResponsesTypes.Message or null)
                        messages[^1] = last with { ToolCalls = [.. last.ToolCalls ?? [], call] };
                    else
                    {
                        messages.Add(new ChatMessage { Role = ChatRole.Assistant, ToolCalls = [call] });
                        paths.Add(path);
                    }
                    break;
                case ResponsesTypes.FunctionCallOutput:
                    messages.Add(new ChatMessage
                    {
                        Role = ChatRole.Tool,
                        ToolCallId = Required(errors, item.CallId, $"{path}.call_id"),
                        Content = CallOutput(errors, item.Output, $"{path}.output"),
                    });
                    paths.Add(path);
                    break;
                case "item_reference":
                    errors.Add(new RequestError(
                        $"Unsupported value: '{path}.type' does not support 'item_reference' with this server, which is stateless "
                        + "and keeps no items; send the item itself.", $"{path}.type", OpenAIErrorCodes.UnsupportedValue));
                    break;
                case null:
                    errors.Add(new RequestError($"Missing required parameter: '{path}.type'.", $"{path}.type", OpenAIErrorCodes.MissingRequiredParameter));
                    break;
                case { } type:
                    errors.Add(new RequestError(
                        $"Unsupported value: '{path}.type' does not support '{type}' with this server. Supported values are: "
                        + "'message', 'function_call' and 'function_call_output'.", $"{path}.type", OpenAIErrorCodes.UnsupportedValue));
                    break;
            }
        }
    }

    private static ChatMessage Message(List<RequestError> errors, ResponsesInputItem item, string path)
    {
        if (item.Role is null)
            errors.Add(new RequestError($"Missing required parameter: '{path}.role'.", $"{path}.role", OpenAIErrorCodes.MissingRequiredParameter));
        else if (item.Role is not (ChatRole.User or ChatRole.System or ChatRole.Developer or ChatRole.Assistant))
            errors.Add(new RequestError(
                $"Invalid value: '{item.Role}'. Supported values are: 'user', 'system', 'developer' and 'assistant'.",
                $"{path}.role", OpenAIErrorCodes.InvalidValue));
        return new ChatMessage { Role = item.Role, Content = Content(errors, item.Content, $"{path}.content") };
    }

    private static MessageContent? Content(List<RequestError> errors, JsonElement? content, string path)
    {
        switch (content)
        {
            case null or { ValueKind: JsonValueKind.Null }:
                errors.Add(new RequestError($"Missing required parameter: '{path}'.", path, OpenAIErrorCodes.MissingRequiredParameter));
                return null;
            case { ValueKind: JsonValueKind.String } text:
                return text.GetString()!;
            case { ValueKind: JsonValueKind.Array } array:
                if (!ResponsesRequestParser.TryBind(array, ContractsJsonContext.Default.ListResponsesContentPart, path, out var parts, out var bindError))
                {
                    errors.Add(bindError);
                    return null;
                }
                return MessageContent.FromParts(parts.Select((p, j) => Part(errors, p, $"{path}[{j}]")).ToList());
            case { } other:
                errors.Add(ResponsesRequestParser.InvalidType(path, "one of a string or array of objects", Describe(other.ValueKind)));
                return null;
        }
    }

    private static ContentPart Part(List<RequestError> errors, ResponsesContentPart part, string path)
    {
        ResponsesFieldPolicy.CheckStrict(errors, path, part.UnrecognizedFields);
        switch (part.Type)
        {
            case ResponsesTypes.InputText or ResponsesTypes.OutputText:
                return new TextPart { Text = Required(errors, part.Text, $"{path}.text") };
            case ResponsesTypes.Refusal:
                return new TextPart { Text = Required(errors, part.Refusal, $"{path}.refusal") };
            case ResponsesTypes.InputImage:
                if (part.FileId is not null)
                    errors.Add(ResponsesFieldPolicy.Unsupported($"{path}.file_id", "this server has no files API; send the image as a data: or http(s) URL in 'image_url'"));
                else if (part.ImageUrl is null)
                    errors.Add(new RequestError($"Missing required parameter: '{path}.image_url'.", $"{path}.image_url", OpenAIErrorCodes.MissingRequiredParameter));
                return new ImageUrlPart { ImageUrl = new ImageUrl { Url = part.ImageUrl ?? "", Detail = part.Detail } };
            case null:
                errors.Add(new RequestError($"Missing required parameter: '{path}.type'.", $"{path}.type", OpenAIErrorCodes.MissingRequiredParameter));
                return new TextPart { Text = "" };
            default:
                errors.Add(new RequestError(
                    $"Unsupported value: '{path}.type' does not support '{part.Type}' with this server. Supported values are: "
                    + "'input_text', 'input_image', 'output_text' and 'refusal'.", $"{path}.type", OpenAIErrorCodes.UnsupportedValue));
                return new TextPart { Text = "" };
        }
    }

    /// <summary>A call's output: a string, or input_text parts joined (the model reads tool results as text).</summary>
    private static MessageContent CallOutput(List<RequestError> errors, JsonElement? output, string path)
    {
        if (output is { ValueKind: JsonValueKind.String } text)
            return text.GetString()!;
        if (output is { ValueKind: JsonValueKind.Array } array
            && ResponsesRequestParser.TryBind(array, ContractsJsonContext.Default.ListResponsesContentPart, path, out var parts, out _)
            && parts.All(p => p.Type == ResponsesTypes.InputText && p.Text is not null))
            return string.Concat(parts.Select(p => p.Text));
        errors.Add(output is null or { ValueKind: JsonValueKind.Null }
            ? new RequestError($"Missing required parameter: '{path}'.", path, OpenAIErrorCodes.MissingRequiredParameter)
            : new RequestError($"Invalid value for '{path}': expected a string or an array of input_text parts.", path, OpenAIErrorCodes.InvalidValue));
        return "";
    }

    private static ResponseFormat? Format(List<RequestError> errors, ResponsesTextConfig? text)
    {
        if (text is null)
            return null;
        ResponsesFieldPolicy.CheckStrict(errors, "text", text.UnrecognizedFields);
        if (text.Format is not { } format)
            return null;
        ResponsesFieldPolicy.CheckStrict(errors, "text.format", format.UnrecognizedFields);
        return format.Type switch
        {
            ResponseFormatTypes.JsonSchema => new ResponseFormat
            {
                Type = format.Type,
                JsonSchema = new JsonSchemaFormat { Name = format.Name, Description = format.Description, Schema = format.Schema, Strict = format.Strict },
            },
            // Other types (and a missing one) are worded by the chat path's response_format check, renamed back.
            _ => new ResponseFormat { Type = format.Type },
        };
    }

    private static List<ToolDefinition>? Tools(List<RequestError> errors, IReadOnlyList<ResponsesTool>? tools)
    {
        if (tools is null)
            return null;
        var mapped = new List<ToolDefinition>(tools.Count);
        for (var i = 0; i < tools.Count; i++)
        {
            var tool = tools[i];
            var path = $"tools[{i}]";
            if (tool.Type is null)
                errors.Add(new RequestError($"Missing required parameter: '{path}.type'.", $"{path}.type", OpenAIErrorCodes.MissingRequiredParameter));
            else if (tool.Type != ResponsesTypes.Function)
                errors.Add(new RequestError(
                    $"Unsupported value: '{path}.type' does not support '{tool.Type}' with this server, which runs no built-in tools "
                    + "(web search, file search, code interpreter, computer use, MCP, image generation, ...). Only 'function' tools "
                    + "are supported: your code runs them and sends back a function_call_output.", $"{path}.type", OpenAIErrorCodes.UnsupportedValue));
            else
                ResponsesFieldPolicy.CheckStrict(errors, path, tool.UnrecognizedFields);
            mapped.Add(new ToolDefinition
            {
                Type = ToolTypes.Function,
                Function = new FunctionDefinition { Name = tool.Name, Description = tool.Description, Parameters = tool.Parameters, Strict = tool.Strict },
            });
        }
        return mapped;
    }

    private static ToolChoice? ToolChoice(List<RequestError> errors, JsonElement? choice)
    {
        switch (choice)
        {
            case null or { ValueKind: JsonValueKind.Null }:
                return null;
            case { ValueKind: JsonValueKind.String } mode:
                var text = mode.GetString()!;
                if (!ToolChoiceModes.IsSupported(text))
                    errors.Add(new RequestError(
                        $"Invalid value: '{text}'. Supported values are: 'none', 'auto' and 'required'.", "tool_choice", OpenAIErrorCodes.InvalidValue));
                return Contracts.Chat.ToolChoice.FromMode(text);
            case { ValueKind: JsonValueKind.Object } named:
                var type = named.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                if (type == ResponsesTypes.Function)
                {
                    if (named.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String)
                        return Contracts.Chat.ToolChoice.ForFunction(n.GetString()!);
                    errors.Add(new RequestError("Missing required parameter: 'tool_choice.name'.", "tool_choice.name", OpenAIErrorCodes.MissingRequiredParameter));
                    return null;
                }
                errors.Add(type is null
                    ? new RequestError("Missing required parameter: 'tool_choice.type'.", "tool_choice.type", OpenAIErrorCodes.MissingRequiredParameter)
                    : new RequestError(
                        $"Unsupported value: 'tool_choice.type' does not support '{type}' with this server. Supported values are: 'function'.",
                        "tool_choice.type", OpenAIErrorCodes.UnsupportedValue));
                return null;
            case { } other:
                errors.Add(ResponsesRequestParser.InvalidType("tool_choice", "one of a string or an object", Describe(other.ValueKind)));
                return null;
        }
    }

    private static string? Required(List<RequestError> errors, string? value, string param)
    {
        if (value is null)
            errors.Add(new RequestError($"Missing required parameter: '{param}'.", param, OpenAIErrorCodes.MissingRequiredParameter));
        return value;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => "null",
    };

    /// <summary>
    /// A refusal the chat path worded, renamed to the Responses fields: messages[k] to where message k came from,
    /// max_completion_tokens to max_output_tokens, response_format to text.format, tools[i].function to tools[i].
    /// </summary>
    public static OpenAIErrorReply Rename(OpenAIErrorReply reply, IReadOnlyList<string> messagePaths)
    {
        string? Fix(string? text) => text is null ? null : ChatPath().Replace(text, m => m.Groups["msg"].Success
            ? MessagePath(m, messagePaths)
            : m.Value switch
            {
                "messages" => "input",
                "max_completion_tokens" or "max_tokens" => "max_output_tokens",
                "response_format.json_schema" or "response_format" => "text.format",
                _ => m.Value.Replace(".function", ""),
            });
        var error = reply.Body.Error;
        return reply with { Body = new OpenAIErrorResponse(error with { Message = Fix(error.Message)!, Param = Fix(error.Param) }) };
    }

    private static string MessagePath(Match match, IReadOnlyList<string> messagePaths)
    {
        var k = int.Parse(match.Groups["msg"].Value);
        if (k >= messagePaths.Count)
            return "input";
        var path = messagePaths[k];
        // Only input items have content arrays; a string input or the instructions is named as a whole.
        if (!path.StartsWith("input[", StringComparison.Ordinal))
            return path;
        return path + match.Groups["rest"].Value + (match.Groups["url"].Success ? ".image_url" : "");
    }

    [GeneratedRegex(@"messages\[(?<msg>\d+)\](?:(?<rest>\.content\[\d+\])(?<url>\.image_url\.url)?)?|\bmessages\b|\bmax_completion_tokens\b|\bmax_tokens\b|response_format\.json_schema|\bresponse_format\b|tools\[\d+\]\.function")]
    private static partial Regex ChatPath();
}
