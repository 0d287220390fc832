using FlorenceVL.Contracts.Validation;

namespace FlorenceVL.Contracts.Errors;

/// <summary>
/// An error body together with its HTTP status (and Retry-After for 429/503). The factories keep status, type and
/// code consistent with what api.openai.com answers, so the Api layer only writes what it is given.
/// </summary>
public sealed record OpenAIErrorReply(int StatusCode, OpenAIErrorResponse Body, TimeSpan? RetryAfter = null)
{
    public static OpenAIErrorReply InvalidRequest(RequestError error) =>
        InvalidRequest(error.Message, error.Param, error.Code);

    public static OpenAIErrorReply InvalidRequest(string message, string? param, string? code) =>
        Create(400, message, OpenAIErrorTypes.InvalidRequest, param, code);

    public static OpenAIErrorReply ContextLengthExceeded(int contextLength, int requestedTokens) =>
        Create(400,
            $"This model's maximum context length is {contextLength} tokens. However, you requested "
            + $"{requestedTokens} tokens. Please reduce the length of the messages or the completion.",
            OpenAIErrorTypes.InvalidRequest, "messages", OpenAIErrorCodes.ContextLengthExceeded);

    /// <summary>401 for a missing Authorization header; OpenAI sends no code in that case.</summary>
    public static OpenAIErrorReply MissingApiKey() =>
        Create(401,
            "You didn't provide an API key. You need to provide your API key in an Authorization header "
            + "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
            OpenAIErrorTypes.InvalidRequest, null, null);

    /// <summary>401 for a wrong key. The key itself is never echoed, unlike OpenAI's masked echo.</summary>
    public static OpenAIErrorReply InvalidApiKey() =>
        Create(401, "Incorrect API key provided.", OpenAIErrorTypes.InvalidRequest, null, OpenAIErrorCodes.InvalidApiKey);

    public static OpenAIErrorReply ModelNotFound(string model) =>
        Create(404, $"The model `{model}` does not exist or you do not have access to it.",
            OpenAIErrorTypes.InvalidRequest, null, OpenAIErrorCodes.ModelNotFound);

    public static OpenAIErrorReply RequestTooLarge(long maxBytes) =>
        Create(413, $"The request body exceeds the limit of {maxBytes} bytes.",
            OpenAIErrorTypes.InvalidRequest, null, OpenAIErrorCodes.RequestTooLarge);

    public static OpenAIErrorReply RateLimited(TimeSpan retryAfter) =>
        Create(429,
            $"The server is at capacity. Please try again in {Math.Ceiling(retryAfter.TotalSeconds)}s.",
            OpenAIErrorTypes.Requests, null, OpenAIErrorCodes.RateLimitExceeded, retryAfter);

    public static OpenAIErrorReply ServiceUnavailable(string reason, TimeSpan? retryAfter = null) =>
        Create(503, reason, OpenAIErrorTypes.Server, null, OpenAIErrorCodes.ServiceUnavailable, retryAfter);

    /// <summary>500 for a fault of the server; the message never carries exception details.</summary>
    public static OpenAIErrorReply ServerError() =>
        Create(500, "The server had an error while processing your request.", OpenAIErrorTypes.Server, null, null);

    private static OpenAIErrorReply Create(
        int status, string message, string type, string? param, string? code, TimeSpan? retryAfter = null) =>
        new(status, new OpenAIErrorResponse(new OpenAIError { Message = message, Type = type, Param = param, Code = code }),
            retryAfter);
}
