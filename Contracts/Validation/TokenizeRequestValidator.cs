using FlorenceVL.Contracts.Errors;
using FlorenceVL.Contracts.Tokenize;

namespace FlorenceVL.Contracts.Validation;

/// <summary>The wire rules of /tokenize and /detokenize; messages and tools follow the chat request's rules.</summary>
public static class TokenizeRequestValidator
{
    public static IReadOnlyList<RequestError> Validate(TokenizeRequest request, ChatRequestLimits limits)
    {
        var errors = new List<RequestError>();
        if (string.IsNullOrWhiteSpace(request.Model))
            errors.Add(ChatRequestValidator.Missing("model"));
        if ((request.Prompt is null) == (request.Messages is null))
            errors.Add(new RequestError("Give exactly one of 'prompt' (a string) and 'messages' (a chat conversation).",
                request.Prompt is null ? "prompt" : "messages", OpenAIErrorCodes.InvalidValue));
        if (request.Messages is not null)
            MessagesValidator.Validate(errors, request.Messages);
        if (request.Messages is null && (request.Tools is not null || request.AddGenerationPrompt is not null))
            errors.Add(new RequestError("'tools' and 'add_generation_prompt' only apply to 'messages'.",
                request.Tools is not null ? "tools" : "add_generation_prompt", OpenAIErrorCodes.InvalidValue));
        if (request.Messages is not null && request.AddSpecialTokens is not null)
            errors.Add(new RequestError("'add_special_tokens' only applies to 'prompt'; the chat template decides the special tokens of 'messages'.",
                "add_special_tokens", OpenAIErrorCodes.InvalidValue));
        if (request.Tools is not null)
            ToolsValidator.ValidateTools(errors, request.Tools, limits.MaxSchemaBytes);
        UnrecognizedFieldPolicy.CheckStrict(errors, null, request.UnrecognizedFields);
        return errors;
    }

    public static IReadOnlyList<RequestError> Validate(DetokenizeRequest request)
    {
        var errors = new List<RequestError>();
        if (string.IsNullOrWhiteSpace(request.Model))
            errors.Add(ChatRequestValidator.Missing("model"));
        if (request.Tokens is null)
            errors.Add(ChatRequestValidator.Missing("tokens"));
        UnrecognizedFieldPolicy.CheckStrict(errors, null, request.UnrecognizedFields);
        return errors;
    }
}
