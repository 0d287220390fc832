using FlorenceVL.Contracts.Chat;
using FlorenceVL.Contracts.Errors;

namespace FlorenceVL.Contracts.Validation;

/// <summary>
/// The "messages" half of <see cref="ChatRequestValidator"/>: roles, content forms and parts; tool calls and their
/// results are left to <see cref="ToolMessagesValidator"/>.
/// </summary>
internal static class MessagesValidator
{
    private const string SupportedRoles = "'system', 'developer', 'user', 'assistant', and 'tool'";

    public static void Validate(List<RequestError> errors, IReadOnlyList<ChatMessage>? messages)
    {
        if (messages is null)
        {
            errors.Add(ChatRequestValidator.Missing("messages"));
            return;
        }
        if (messages.Count == 0)
        {
            errors.Add(new RequestError(
                "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
                "messages", OpenAIErrorCodes.EmptyArray));
            return;
        }
        for (var i = 0; i < messages.Count; i++)
            ValidateMessage(errors, JsonPath.Item("messages", i), messages[i]);
        ToolMessagesValidator.ValidateSequence(errors, messages);
    }

    private static void ValidateMessage(List<RequestError> errors, string path, ChatMessage? message)
    {
        if (message is null)
        {
            errors.Add(NullWhereObjectExpected(path));
            return;
        }
        UnrecognizedFieldPolicy.CheckMessage(errors, path, message.UnrecognizedFields);
        var rolePath = JsonPath.Property(path, "role");
        if (message.Role is null)
        {
            errors.Add(ChatRequestValidator.Missing(rolePath));
            return;
        }
        if (!ChatRole.IsSupported(message.Role))
        {
            errors.Add(new RequestError(
                $"Invalid value for '{rolePath}': '{message.Role}'. Supported values are: {SupportedRoles}.", rolePath,
                // "function" is OpenAI's deprecated role for results, replaced by "tool".
                message.Role is "function" ? OpenAIErrorCodes.UnsupportedValue : OpenAIErrorCodes.InvalidValue));
            return;
        }
        ValidateContent(errors, path, message.Role, message.Content);
        ToolMessagesValidator.ValidateFields(errors, path, message);
    }

    private static void ValidateContent(List<RequestError> errors, string messagePath, string role, MessageContent? content)
    {
        var contentPath = JsonPath.Property(messagePath, "content");
        if (content is null)
        {
            if (role != ChatRole.Assistant)
                errors.Add(ChatRequestValidator.Missing(contentPath));
            return;
        }
        if (content.Parts is not { } parts)
            return;
        if (parts.Count == 0)
        {
            errors.Add(new RequestError(
                $"Invalid '{contentPath}': empty array. Expected an array with minimum length 1, but got an empty array instead.",
                contentPath, OpenAIErrorCodes.EmptyArray));
            return;
        }
        for (var j = 0; j < parts.Count; j++)
            PartValidator.Validate(errors, JsonPath.Item(contentPath, j), role, parts[j]);
    }

    internal static RequestError NullWhereObjectExpected(string path) =>
        new($"Invalid type for '{path}': expected an object, but got null instead.", path, OpenAIErrorCodes.InvalidType);
}
