using System.Text.Json;
using FlorenceVL.Contracts.Errors;
using FlorenceVL.Contracts.Validation;

namespace FlorenceVL.Contracts.Tests.Errors;

public class OpenAIErrorReplyTests
{
    public static TheoryData<OpenAIErrorReply, int, string, string?, string?> Replies => new()
    {
        { OpenAIErrorReply.InvalidRequest(new RequestError("Bad.", "temperature", OpenAIErrorCodes.DecimalAboveMaxValue)), 400, "invalid_request_error", "temperature", "decimal_above_max_value" },
        { OpenAIErrorReply.ContextLengthExceeded(4096, 5000), 400, "invalid_request_error", "messages", "context_length_exceeded" },
        { OpenAIErrorReply.MissingApiKey(), 401, "invalid_request_error", null, null },
        { OpenAIErrorReply.InvalidApiKey(), 401, "invalid_request_error", null, "invalid_api_key" },
        { OpenAIErrorReply.ModelNotFound("gpt-5"), 404, "invalid_request_error", null, "model_not_found" },
        { OpenAIErrorReply.RequestTooLarge(1_000_000), 413, "invalid_request_error", null, "request_too_large" },
        { OpenAIErrorReply.RateLimited(TimeSpan.FromSeconds(2)), 429, "requests", null, "rate_limit_exceeded" },
        { OpenAIErrorReply.ServiceUnavailable("The model is still loading."), 503, "server_error", null, "service_unavailable" },
        { OpenAIErrorReply.ServerError(), 500, "server_error", null, null },
    };

    [Theory]
    [MemberData(nameof(Replies))]
    public void Each_error_class_has_OpenAI_status_type_and_code(OpenAIErrorReply reply, int status, string type, string? param, string? code)
    {
        Assert.Equal(status, reply.StatusCode);
        Assert.Equal((type, param, code), (reply.Body.Error.Type, reply.Body.Error.Param, reply.Body.Error.Code));
    }

    [Fact]
    public void Error_body_matches_the_documented_shape_with_explicit_nulls()
    {
        const string documented = """
            {"error":{"message":"The model `gpt-5` does not exist or you do not have access to it.",
                      "type":"invalid_request_error","param":null,"code":"model_not_found"}}
            """;
        var body = OpenAIErrorReply.ModelNotFound("gpt-5").Body;

        JsonShape.AssertMatches(documented, JsonSerializer.Serialize(body, ContractsJsonContext.Default.OpenAIErrorResponse));
    }

    [Fact]
    public void Rate_limit_and_unavailable_replies_carry_retry_after()
    {
        Assert.Equal(TimeSpan.FromSeconds(3), OpenAIErrorReply.RateLimited(TimeSpan.FromSeconds(3)).RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(5), OpenAIErrorReply.ServiceUnavailable("Loading.", TimeSpan.FromSeconds(5)).RetryAfter);
    }
}
