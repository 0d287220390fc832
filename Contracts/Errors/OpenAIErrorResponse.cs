using System.Text.Json.Serialization;

namespace FlorenceVL.Contracts.Errors;

/// <summary>The body of every error on /v1: <c>{"error":{"message","type","param","code"}}</c>.</summary>
public sealed record OpenAIErrorResponse(OpenAIError Error);

public sealed record OpenAIError
{
    public required string Message { get; init; }
    public required string Type { get; init; }

    /// <summary>The offending request field as a JSON path ("messages[0].content"), or null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Param { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Code { get; init; }
}

/// <summary>The "type" values OpenAI uses, as observed on api.openai.com.</summary>
public static class OpenAIErrorTypes
{
    /// <summary>Any 4xx caused by the request, including bad keys (401) and unknown models (404).</summary>
    public const string InvalidRequest = "invalid_request_error";

    /// <summary>OpenAI names the exhausted limit ("requests" or "tokens"); an overloaded engine is a request limit.</summary>
    public const string Requests = "requests";

    public const string Server = "server_error";
}

/// <summary>The "code" values this server sends; those also used by OpenAI keep OpenAI's spelling.</summary>
public static class OpenAIErrorCodes
{
    public const string InvalidJson = "invalid_json";
    public const string InvalidType = "invalid_type";
    public const string InvalidValue = "invalid_value";
    public const string MissingRequiredParameter = "missing_required_parameter";
    public const string UnknownParameter = "unknown_parameter";
    public const string UnsupportedParameter = "unsupported_parameter";
    public const string UnsupportedValue = "unsupported_value";
    public const string EmptyArray = "empty_array";
    public const string ArrayAboveMaxLength = "array_above_max_length";
    public const string StringAboveMaxLength = "string_above_max_length";
    public const string IntegerBelowMinValue = "integer_below_min_value";
    public const string IntegerAboveMaxValue = "integer_above_max_value";
    public const string DecimalBelowMinValue = "decimal_below_min_value";
    public const string DecimalAboveMaxValue = "decimal_above_max_value";
    public const string ContextLengthExceeded = "context_length_exceeded";
    public const string InvalidApiKey = "invalid_api_key";
    public const string ModelNotFound = "model_not_found";
    public const string RequestTooLarge = "request_too_large";
    public const string RateLimitExceeded = "rate_limit_exceeded";
    public const string ServiceUnavailable = "service_unavailable";
}
