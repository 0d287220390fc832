using FlorenceVL.Contracts.Chat;
using FlorenceVL.Contracts.Errors;

namespace FlorenceVL.Contracts.Validation;

/// <summary>
/// The tool-calling half of <see cref="MessagesValidator"/>: the calls an assistant message echoes back, the
/// tool messages answering them, and OpenAI's rule that every call of an assistant message is answered by the
/// tool messages right after it (a prompt template cannot render a result without its call, nor a call left
/// hanging in the middle of a conversation).
/// </summary>
internal static class ToolMessagesValidator
{
    /// <summary>Checks the tool fields of one message whose role is supported.</summary>
    public static void ValidateFields(List<RequestError> errors, string path, ChatMessage message)
    {
        var idPath = JsonPath.Property(path, "tool_call_id");
        var callsPath = JsonPath.Property(path, "tool_calls");
        if (message.Role == ChatRole.Tool && message.ToolCallId is null)
            errors.Add(ChatRequestValidator.Missing(idPath));
        // Refused rather than ignored: a client sending them on another role has its conversation wrong.
        if (message.Role != ChatRole.Tool && message.ToolCallId is not null)
            errors.Add(OnlyOnRole(idPath, ChatRole.Tool));
        if (message.ToolCalls is not { } calls)
            return;
        if (message.Role != ChatRole.Assistant)
        {
            errors.Add(OnlyOnRole(callsPath, ChatRole.Assistant));
            return;
        }
        // An empty array is accepted: clients echo "tool_calls": [] on assistant messages without calls.
        for (var j = 0; j < calls.Count; j++)
            ValidateCall(errors, JsonPath.Item(callsPath, j), calls[j]);
    }

    private static void ValidateCall(List<RequestError> errors, string path, ToolCall? call)
    {
        if (call is null)
        {
            errors.Add(MessagesValidator.NullWhereObjectExpected(path));
            return;
        }
        UnrecognizedFieldPolicy.CheckStrict(errors, path, call.UnrecognizedFields);
        if (call.Id is null)
            errors.Add(ChatRequestValidator.Missing(JsonPath.Property(path, "id")));
        var typePath = JsonPath.Property(path, "type");
        if (call.Type is null)
            errors.Add(ChatRequestValidator.Missing(typePath));
        else if (call.Type != ToolTypes.Function)
            errors.Add(new RequestError(
                $"Invalid value for '{typePath}': '{call.Type}'. Supported values are: 'function'.",
                typePath, OpenAIErrorCodes.InvalidValue));
        var functionPath = JsonPath.Property(path, "function");
        if (call.Function is not { } function)
        {
            errors.Add(ChatRequestValidator.Missing(functionPath));
            return;
        }
        UnrecognizedFieldPolicy.CheckStrict(errors, functionPath, function.UnrecognizedFields);
        // The name is not held to the definition pattern: it is the model's earlier output, echoed back.
        if (function.Name is null)
            errors.Add(ChatRequestValidator.Missing(JsonPath.Property(functionPath, "name")));
        if (function.Arguments is null)
            errors.Add(ChatRequestValidator.Missing(JsonPath.Property(functionPath, "arguments")));
    }

    /// <summary>
    /// Pairs tool messages with the calls of the assistant message they follow. A group of calls stays open until
    /// the next message that is not a tool message; calls still unanswered then are an error, while calls
    /// unanswered at the end of the conversation are not (the client may be asking the model to go on).
    /// </summary>
    public static void ValidateSequence(List<RequestError> errors, IReadOnlyList<ChatMessage?> messages)
    {
        OpenCalls? open = null;
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i] is not { } message)
                continue;
            if (message.Role == ChatRole.Tool)
            {
                // A missing id is reported by ValidateFields; there is nothing to pair.
                if (message.ToolCallId is { } id)
                    Answer(errors, JsonPath.Item("messages", i), id, open);
                continue;
            }
            if (open?.Unanswered() is { Count: > 0 } unanswered)
                errors.Add(new RequestError(
                    "An assistant message with 'tool_calls' must be followed by tool messages responding to each "
                    + $"'tool_call_id'. The following tool_call_ids did not have response messages: {string.Join(", ", unanswered)}",
                    "messages", OpenAIErrorCodes.InvalidValue));
            open = message.Role == ChatRole.Assistant && message.ToolCalls is { Count: > 0 } calls ? new OpenCalls(calls) : null;
        }
    }

    private static void Answer(List<RequestError> errors, string path, string id, OpenCalls? open)
    {
        if (open is null)
        {
            var rolePath = JsonPath.Property(path, "role");
            errors.Add(new RequestError(
                "Invalid parameter: messages with role 'tool' must be a response to a preceding message with 'tool_calls'.",
                rolePath, OpenAIErrorCodes.InvalidValue));
            return;
        }
        var idPath = JsonPath.Property(path, "tool_call_id");
        if (!open.Ids.Contains(id))
            errors.Add(new RequestError(
                $"Invalid parameter: 'tool_call_id' of '{id}' not found in 'tool_calls' of previous message.",
                idPath, OpenAIErrorCodes.InvalidValue));
        else if (!open.Answered.Add(id))
            errors.Add(new RequestError(
                $"Invalid parameter: 'tool_call_id' of '{id}' was already answered by an earlier tool message.",
                idPath, OpenAIErrorCodes.InvalidValue));
    }

    private static RequestError OnlyOnRole(string param, string role) =>
        new($"Invalid parameter: '{param}' is only allowed on messages with role '{role}'.", param, OpenAIErrorCodes.InvalidValue);

    /// <summary>The calls of the latest assistant message, in call order, and which of them have been answered.</summary>
    private sealed class OpenCalls(IReadOnlyList<ToolCall?> calls)
    {
        // Calls without an id are reported by ValidateCall and cannot be answered.
        public List<string> Ids { get; } = calls.Select(call => call?.Id).OfType<string>().Distinct().ToList();
        public HashSet<string> Answered { get; } = new(StringComparer.Ordinal);

        public List<string> Unanswered() => Ids.Where(id => !Answered.Contains(id)).ToList();
    }
}
