using FlorenceVL.Contracts.Errors;
using FlorenceVL.Contracts.Validation;
using FlorenceVL.Engine.Inference;

namespace FlorenceVL.Api.Errors;

/// <summary>
/// The engine's refusals (<see cref="InvalidRequestException"/>, in engine terms) in OpenAI's words: the wire name of
/// the field, OpenAI's code, and OpenAI's wording for numbers out of range. The one place that knows both vocabularies.
/// </summary>
public static class EngineRequestErrors
{
    public static OpenAIErrorReply Reply(InvalidRequestException error) => OpenAIErrorReply.InvalidRequest(Describe(error));

    public static RequestError Describe(InvalidRequestException error)
    {
        var (param, isInteger) = Wire(error.Field);
        return error switch
        {
            { Kind: RequestErrorKind.BelowMinimum, Range: { } r } => isInteger
                ? RangeErrors.IntegerBelow(param, (long)r.Value, (long)r.Bound)
                : RangeErrors.DecimalBelow(param, r.Value, r.Bound, r.IsExclusive),
            { Kind: RequestErrorKind.AboveMaximum, Range: { } r } => isInteger
                ? RangeErrors.IntegerAbove(param, (long)r.Value, (long)r.Bound)
                : RangeErrors.DecimalAbove(param, r.Value, r.Bound),
            { Kind: RequestErrorKind.ContextLengthExceeded } => new(error.Message, param, OpenAIErrorCodes.ContextLengthExceeded),
            { Kind: RequestErrorKind.ImageTooLarge } => new(error.Message, param, "image_too_large"),
            { Field: RequestField.TopLogprobs } => new(
                "Invalid value for 'top_logprobs': 'logprobs' must be set to true when 'top_logprobs' is used.", param, OpenAIErrorCodes.InvalidValue),
            { Field: RequestField.StopStrings } => new("Invalid 'stop': a stop sequence cannot be empty.", param, OpenAIErrorCodes.InvalidValue),
            _ => new(error.Message, param, OpenAIErrorCodes.InvalidValue),
        };
    }

    /// <summary>The request field's OpenAI name, and whether OpenAI calls its range errors integer ones.</summary>
    public static (string Param, bool IsInteger) Wire(RequestField field) => field switch
    {
        RequestField.Prompt or RequestField.Images => ("messages", false),
        RequestField.Temperature => ("temperature", false),
        RequestField.TopP => ("top_p", false),
        RequestField.TopK => ("top_k", true),
        RequestField.MinP => ("min_p", false),
        RequestField.PresencePenalty => ("presence_penalty", false),
        RequestField.FrequencyPenalty => ("frequency_penalty", false),
        RequestField.RepetitionPenalty => ("repetition_penalty", false),
        RequestField.N => ("n", true),
        RequestField.TopLogprobs => ("top_logprobs", true),
        RequestField.StopTokenIds => ("stop_token_ids", false),
        RequestField.StopStrings => ("stop", false),
        RequestField.MaxTokens => ("max_tokens", true),
        RequestField.ResponseFormat => ("response_format", false),
        RequestField.Tokens => ("tokens", false),
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, "a request field without a wire name"),
    };
}
