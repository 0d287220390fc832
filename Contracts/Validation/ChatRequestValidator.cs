using FlorenceVL.Contracts.Chat;
using FlorenceVL.Contracts.Errors;

namespace FlorenceVL.Contracts.Validation;

/// <summary>
/// Checks a parsed request's wire shape against OpenAI's rules and this server's limits. Pure: knows nothing of the
/// engine, the model or its context length. Sampling parameters (temperature, top_p, penalties, top_k, min_p,
/// logprobs) are not checked here: the engine validates them once, and the Api words its refusals as OpenAI does.
/// Returns every problem found, in field order; an empty list means the request is valid.
/// </summary>
public sealed class ChatRequestValidator(ChatRequestLimits limits)
{
    public const int MaxStopSequences = 4;
    public const int MaxMetadataPairs = 16;
    public const int MaxMetadataKeyLength = 64;
    public const int MaxMetadataValueLength = 512;

    public ChatRequestValidator() : this(new ChatRequestLimits()) { }

    public IReadOnlyList<RequestError> Validate(ChatCompletionRequest request)
    {
        var errors = new List<RequestError>();
        if (string.IsNullOrWhiteSpace(request.Model))
            errors.Add(Missing("model"));
        MessagesValidator.Validate(errors, request.Messages);
        ValidateLengthAndChoices(errors, request);
        ValidateStop(errors, request.Stop);
        ValidateStreaming(errors, request);
        ValidateBookkeeping(errors, request);
        ResponseFormatValidator.Validate(errors, request, limits.MaxSchemaBytes);
        ToolsValidator.Validate(errors, request, limits.MaxSchemaBytes);
        UnrecognizedFieldPolicy.CheckRequest(errors, request.UnrecognizedFields);
        return errors;
    }

    internal static RequestError Missing(string param) =>
        new($"Missing required parameter: '{param}'.", param, OpenAIErrorCodes.MissingRequiredParameter);

    private void ValidateLengthAndChoices(List<RequestError> errors, ChatCompletionRequest request)
    {
        RangeRules.Integer(errors, "max_tokens", request.MaxTokens, 1);
        RangeRules.Integer(errors, "max_completion_tokens", request.MaxCompletionTokens, 1);
        RangeRules.Integer(errors, "n", request.N, 1, limits.MaxChoices);
    }

    private static void ValidateStop(List<RequestError> errors, StopSequences? stop)
    {
        if (stop is null)
            return;
        if (stop.Values.Count > MaxStopSequences)
            errors.Add(new RequestError(
                $"Invalid 'stop': array too long. Expected an array with maximum length {MaxStopSequences}, "
                + $"but got an array with length {stop.Values.Count} instead.",
                "stop", OpenAIErrorCodes.ArrayAboveMaxLength));
        for (var i = 0; i < stop.Values.Count; i++)
        {
            var param = stop.IsSingleString ? "stop" : JsonPath.Item("stop", i);
            if (stop.Values[i] is null)
                errors.Add(new RequestError($"Invalid type for '{param}': expected a string, but got null instead.", param, OpenAIErrorCodes.InvalidType));
            else if (stop.Values[i].Length == 0)
                errors.Add(new RequestError($"Invalid '{param}': a stop sequence cannot be empty.", param, OpenAIErrorCodes.InvalidValue));
        }
    }

    private static void ValidateStreaming(List<RequestError> errors, ChatCompletionRequest request)
    {
        if (request.StreamOptions is not { } options)
            return;
        if (!request.IsStreaming)
            errors.Add(new RequestError(
                "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
                "stream_options", OpenAIErrorCodes.InvalidValue));
        UnrecognizedFieldPolicy.CheckStreamOptions(errors, options.UnrecognizedFields);
    }

    private static void ValidateBookkeeping(List<RequestError> errors, ChatCompletionRequest request)
    {
        if (request.Store == true)
            errors.Add(new RequestError(
                "Unsupported value: 'store' does not support true with this server, which keeps no completions.",
                "store", OpenAIErrorCodes.UnsupportedValue));
        if (request.Metadata is not { } metadata)
            return;
        if (metadata.Count > MaxMetadataPairs)
            errors.Add(new RequestError(
                $"Invalid 'metadata': too many properties. Expected at most {MaxMetadataPairs}, but got {metadata.Count} instead.",
                "metadata", OpenAIErrorCodes.InvalidValue));
        foreach (var (key, value) in metadata)
        {
            var param = JsonPath.Property("metadata", key);
            if (key.Length > MaxMetadataKeyLength || (value?.Length ?? 0) > MaxMetadataValueLength)
                errors.Add(new RequestError(
                    $"Invalid '{param}': keys may have at most {MaxMetadataKeyLength} characters and values at most {MaxMetadataValueLength}.",
                    param, OpenAIErrorCodes.InvalidValue));
        }
    }
}
