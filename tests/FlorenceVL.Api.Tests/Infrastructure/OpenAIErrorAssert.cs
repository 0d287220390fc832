using System.Net;
using System.Text.Json;

namespace FlorenceVL.Api.Tests.Infrastructure;

/// <summary>Checks a response is an OpenAI error: the status, and {"error":{"message","type","param","code"}} with nothing else.</summary>
public static class OpenAIErrorAssert
{
    public static async Task<JsonElement> IsErrorAsync(HttpResponseMessage response, HttpStatusCode status, string? code = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return Shape(body, code);
    }

    /// <summary>Any 4xx, in OpenAI's shape, without server internals in the message.</summary>
    public static async Task<JsonElement> IsClientErrorAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"expected a 4xx, got {(int)response.StatusCode}: {body}");
        return Shape(body, null);
    }

    public static JsonElement Shape(string body, string? code)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement.Clone();
        Assert.Equal(["error"], root.EnumerateObject().Select(p => p.Name));
        var error = root.GetProperty("error");
        Assert.Equal(["message", "type", "param", "code"], error.EnumerateObject().Select(p => p.Name));
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.DoesNotContain("   at ", error.GetProperty("message").GetString());
        Assert.DoesNotContain("Exception", error.GetProperty("message").GetString());
        if (code is not null)
            Assert.Equal(code, error.GetProperty("code").GetString());
        return error;
    }
}
