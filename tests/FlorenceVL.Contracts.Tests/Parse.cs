using System.Text;
using FlorenceVL.Contracts.Chat;
using FlorenceVL.Contracts.Validation;

namespace FlorenceVL.Contracts.Tests;

/// <summary>Test helpers: parse or fail the test with the parser's own error.</summary>
internal static class Parse
{
    public static ChatCompletionRequest Request(string json)
    {
        Assert.True(ChatRequestParser.TryParse(Encoding.UTF8.GetBytes(json), out var request, out var error), error?.Message);
        return request;
    }

    public static RequestError Failure(string json)
    {
        Assert.False(ChatRequestParser.TryParse(Encoding.UTF8.GetBytes(json), out _, out var error), "expected a parse error");
        return error;
    }

    public static IReadOnlyList<RequestError> Errors(string json, ChatRequestLimits? limits = null) =>
        new ChatRequestValidator(limits ?? new ChatRequestLimits()).Validate(Request(json));
}
