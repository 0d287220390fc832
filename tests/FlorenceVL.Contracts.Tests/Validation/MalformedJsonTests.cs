using System.Text;
using FlorenceVL.Contracts.Errors;
using FlorenceVL.Contracts.Validation;

namespace FlorenceVL.Contracts.Tests.Validation;

public class MalformedJsonTests
{
    public static TheoryData<string, string?, string> Bodies => new()
    {
        // body, expected param, expected code
        { "", null, OpenAIErrorCodes.InvalidJson },
        { "   ", null, OpenAIErrorCodes.InvalidJson },
        { """{"model":"m","messages":[{"role":"user","content":"Hi"}""", null, OpenAIErrorCodes.InvalidJson },
        { """{"model":"m",}""", null, OpenAIErrorCodes.InvalidJson },
        { """{'model':'m'}""", null, OpenAIErrorCodes.InvalidJson },
        { """{"model":"m"} trailing""", null, OpenAIErrorCodes.InvalidJson },
        { """{"model":"m","messages":[{"role":"user","content":"\uZZZZ"}]}""", null, OpenAIErrorCodes.InvalidJson },
        { """{"model":NaN}""", null, OpenAIErrorCodes.InvalidJson },
        { "[]", null, OpenAIErrorCodes.InvalidType },
        { "\"just a string\"", null, OpenAIErrorCodes.InvalidType },
        { "null", null, OpenAIErrorCodes.InvalidType },
        { """{"model":42,"messages":[]}""", "model", OpenAIErrorCodes.InvalidType },
        { """{"model":"m","messages":{"role":"user"}}""", "messages", OpenAIErrorCodes.InvalidType },
        { """{"model":"m","messages":"Hi"}""", "messages", OpenAIErrorCodes.InvalidType },
        { """{"model":"m","messages":[["user","Hi"]]}""", "messages[0]", OpenAIErrorCodes.InvalidType },
        { """{"model":"m","messages":[{"role":7,"content":"Hi"}]}""", "messages[0].role", OpenAIErrorCodes.InvalidType },
        { """{"model":"m","messages":[{"role":"user","content":5}]}""", "messages[0].content", OpenAIErrorCodes.InvalidType },
        { """{"model":"m","messages":[{"role":"user","content":{"type":"text","text":"Hi"}}]}""", "messages[0].content", OpenAIErrorCodes.InvalidType },
        { """{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":5}]}]}""", "messages[0].content[0].text", OpenAIErrorCodes.InvalidType },
        { """{"model":"m","messages":[{"role":"user","content":["Hi"]}]}""", "messages[0].content[0]", OpenAIErrorCodes.InvalidType },
        { """{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":"https://x.test/a.png"}]}]}""", "messages[0].content[0].image_url", OpenAIErrorCodes.InvalidType },
        { """{"model":"m","messages":[],"temperature":"0.7"}""", "temperature", OpenAIErrorCodes.InvalidType },
        { """{"model":"m","messages":[],"max_tokens":"100"}""", "max_tokens", OpenAIErrorCodes.InvalidType },
        { """{"model":"m","messages":[],"max_tokens":12.5}""", "max_tokens", OpenAIErrorCodes.InvalidValue },
        { """{"model":"m","messages":[],"n":99999999999}""", "n", OpenAIErrorCodes.InvalidValue },
        { """{"model":"m","messages":[],"seed":1e30}""", "seed", OpenAIErrorCodes.InvalidValue },
        { """{"model":"m","messages":[],"stream":"true"}""", "stream", OpenAIErrorCodes.InvalidType },
        { """{"model":"m","messages":[],"stream":1}""", "stream", OpenAIErrorCodes.InvalidType },
        { """{"model":"m","messages":[],"stop":5}""", "stop", OpenAIErrorCodes.InvalidType },
        { """{"model":"m","messages":[],"stop":["a",1]}""", "stop[1]", OpenAIErrorCodes.InvalidType },
        { """{"model":"m","messages":[],"stream_options":true}""", "stream_options", OpenAIErrorCodes.InvalidType },
        { """{"model":"m","messages":[],"metadata":{"a":1}}""", "metadata.a", OpenAIErrorCodes.InvalidType },
        { """{"model":"m","model":"n","messages":[]}""", "model", OpenAIErrorCodes.InvalidJson },
        { """{"model":"m","messages":[{"role":"user","content":"\uD800"}]}""", "messages[0].content", OpenAIErrorCodes.InvalidValue },
        { new string('[', 10_000), null, OpenAIErrorCodes.InvalidJson },
        { "{\"model\":\"m\",\"junk\":" + new string('[', 10_000) + new string(']', 10_000) + "}", null, OpenAIErrorCodes.InvalidJson },
        { "{\"model\":\"m\",\"junk\":" + string.Concat(Enumerable.Repeat("{\"a\":", 5_000)) + "1" + new string('}', 5_000) + "}", null, OpenAIErrorCodes.InvalidJson },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Malformed_bodies_become_one_error_with_its_path(string body, string? param, string code)
    {
        var parsed = ChatRequestParser.TryParse(Encoding.UTF8.GetBytes(body), out var request, out var error);

        Assert.False(parsed);
        Assert.Null(request);
        Assert.Equal((param, code), (error!.Param, error.Code));
        Assert.False(string.IsNullOrWhiteSpace(error.Message));
        Assert.DoesNotContain("FlorenceVL", error.Message);
        Assert.DoesNotContain("System.", error.Message);
    }

    [Fact]
    public void Invalid_utf8_is_a_json_error()
    {
        byte[] body = [.. "{\"model\":\""u8, 0xC3, 0x28, .. "\"}"u8];

        Assert.Equal(OpenAIErrorCodes.InvalidJson, Assert.IsType<RequestError>(ParseFailure(body)).Code);
    }

    [Fact]
    public void Syntax_errors_say_where_they_are()
    {
        var error = Parse.Failure("{\n  \"model\": \"m\",\n  \"messages\": [,]\n}");

        Assert.Contains("line 3", error.Message);
    }

    [Fact]
    public void Type_errors_say_what_was_expected_and_what_came()
    {
        var error = Parse.Failure("""{"model":"m","messages":[],"temperature":"0.7"}""");

        Assert.Equal("Invalid type for 'temperature': expected a number, but got a string instead.", error.Message);
    }

    [Fact]
    public void Nesting_within_the_depth_limit_is_accepted_as_an_unknown_field()
    {
        var body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}],\"junk\":"
                   + new string('[', 20) + new string(']', 20) + "}";

        Assert.Equal("junk", Assert.Single(Parse.Errors(body)).Param);
    }

    private static RequestError? ParseFailure(byte[] body) =>
        ChatRequestParser.TryParse(body, out _, out var error) ? null : error;
}
