using FlorenceVL.Contracts.Errors;
using FlorenceVL.Contracts.Validation;

namespace FlorenceVL.Contracts.Tests.Validation;

public class ChatRequestValidatorTests
{
    private const string ValidMessages = """[{"role":"user","content":"Hi"}]""";

    private static string WithField(string field) => $$"""{"model":"m","messages":{{ValidMessages}},{{field}}}""";

    private static RequestError SingleError(string json, ChatRequestLimits? limits = null) =>
        Assert.Single(Parse.Errors(json, limits));

    [Fact]
    public void A_minimal_request_is_valid()
    {
        Assert.Empty(Parse.Errors($$"""{"model":"m","messages":{{ValidMessages}}}"""));
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"Hi"}]}""", "model", OpenAIErrorCodes.MissingRequiredParameter)]
    [InlineData("""{"model":"  ","messages":[{"role":"user","content":"Hi"}]}""", "model", OpenAIErrorCodes.MissingRequiredParameter)]
    [InlineData("""{"model":"m"}""", "messages", OpenAIErrorCodes.MissingRequiredParameter)]
    [InlineData("""{"model":"m","messages":null}""", "messages", OpenAIErrorCodes.MissingRequiredParameter)]
    [InlineData("""{"model":"m","messages":[]}""", "messages", OpenAIErrorCodes.EmptyArray)]
    [InlineData("""{"model":"m","messages":[null]}""", "messages[0]", OpenAIErrorCodes.InvalidType)]
    [InlineData("""{"model":"m","messages":[{"content":"Hi"}]}""", "messages[0].role", OpenAIErrorCodes.MissingRequiredParameter)]
    [InlineData("""{"model":"m","messages":[{"role":"robot","content":"Hi"}]}""", "messages[0].role", OpenAIErrorCodes.InvalidValue)]
    [InlineData("""{"model":"m","messages":[{"role":"function","name":"f","content":"42"}]}""", "messages[0].role", OpenAIErrorCodes.UnsupportedValue)]
    [InlineData("""{"model":"m","messages":[{"role":"tool","content":"42"}]}""", "messages[0].tool_call_id", OpenAIErrorCodes.MissingRequiredParameter)]
    [InlineData("""{"model":"m","messages":[{"role":"user"}]}""", "messages[0].content", OpenAIErrorCodes.MissingRequiredParameter)]
    [InlineData("""{"model":"m","messages":[{"role":"system","content":null}]}""", "messages[0].content", OpenAIErrorCodes.MissingRequiredParameter)]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[]}]}""", "messages[0].content", OpenAIErrorCodes.EmptyArray)]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[null]}]}""", "messages[0].content[0]", OpenAIErrorCodes.InvalidType)]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"text"}]}]}""", "messages[0].content[0].text", OpenAIErrorCodes.MissingRequiredParameter)]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"text":"no type"}]}]}""", "messages[0].content[0].type", OpenAIErrorCodes.InvalidValue)]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"video_url","video_url":{}}]}]}""", "messages[0].content[0].type", OpenAIErrorCodes.InvalidValue)]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"","format":"wav"}}]}]}""", "messages[0].content[0].type", OpenAIErrorCodes.UnsupportedValue)]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"image_url"}]}]}""", "messages[0].content[0].image_url", OpenAIErrorCodes.MissingRequiredParameter)]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]}""", "messages[0].content[0].image_url.url", OpenAIErrorCodes.MissingRequiredParameter)]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"file:///etc/passwd"}}]}]}""", "messages[0].content[0].image_url.url", OpenAIErrorCodes.InvalidValue)]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x.test/a.png","detail":"ultra"}}]}]}""", "messages[0].content[0].image_url.detail", OpenAIErrorCodes.InvalidValue)]
    [InlineData("""{"model":"m","messages":[{"role":"system","content":[{"type":"image_url","image_url":{"url":"https://x.test/a.png"}}]}]}""", "messages[0].content[0]", OpenAIErrorCodes.InvalidValue)]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":[{"type":"image_url","image_url":{"url":"https://x.test/a.png"}}]}]}""", "messages[1].content[0]", OpenAIErrorCodes.InvalidValue)]
    public void Message_problems_are_reported_at_their_path(string json, string param, string code)
    {
        var error = SingleError(json);

        Assert.Equal((param, code), (error.Param, error.Code));
        Assert.Contains(param, error.Message);
    }

    [Theory]
    [InlineData("\"n\":0", "n", OpenAIErrorCodes.IntegerBelowMinValue)]
    [InlineData("\"n\":17", "n", OpenAIErrorCodes.IntegerAboveMaxValue)]
    [InlineData("\"max_tokens\":0", "max_tokens", OpenAIErrorCodes.IntegerBelowMinValue)]
    [InlineData("\"max_completion_tokens\":-5", "max_completion_tokens", OpenAIErrorCodes.IntegerBelowMinValue)]
    [InlineData("\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]", "stop", OpenAIErrorCodes.ArrayAboveMaxLength)]
    [InlineData("\"stop\":\"\"", "stop", OpenAIErrorCodes.InvalidValue)]
    [InlineData("\"stop\":[\"a\",\"\"]", "stop[1]", OpenAIErrorCodes.InvalidValue)]
    [InlineData("\"stop\":[\"a\",null]", "stop[1]", OpenAIErrorCodes.InvalidType)]
    [InlineData("\"stream_options\":{\"include_usage\":true}", "stream_options", OpenAIErrorCodes.InvalidValue)]
    [InlineData("\"store\":true", "store", OpenAIErrorCodes.UnsupportedValue)]
    public void Parameter_problems_are_reported_with_the_parameter_name(string field, string param, string code)
    {
        var error = SingleError(WithField(field));

        Assert.Equal((param, code), (error.Param, error.Code));
    }

    [Theory]
    [InlineData("\"n\":16")]
    [InlineData("\"max_tokens\":1")]
    [InlineData("\"stop\":[\"a\",\"b\",\"c\",\"d\"]")]
    [InlineData("\"stream\":true,\"stream_options\":{\"include_usage\":false}")]
    [InlineData("\"seed\":-9223372036854775808")]
    public void Boundary_values_are_accepted(string field)
    {
        Assert.Empty(Parse.Errors(WithField(field)));
    }

    [Fact]
    public void Metadata_values_longer_than_OpenAI_allows_are_refused()
    {
        var error = SingleError(WithField($"\"metadata\":{{\"k\":\"{new string('v', 513)}\"}}"));

        Assert.Equal(("metadata.k", OpenAIErrorCodes.InvalidValue), (error.Param, error.Code));
    }

    [Fact]
    public void The_choice_limit_is_a_setting()
    {
        var limits = new ChatRequestLimits { MaxChoices = 2 };

        Assert.Empty(Parse.Errors(WithField("\"n\":2"), limits));
        Assert.Equal("n", SingleError(WithField("\"n\":3"), limits).Param);
    }

    [Fact]
    public void Every_problem_is_reported_not_only_the_first()
    {
        var errors = Parse.Errors("""{"messages":[{"role":"user"}],"n":0,"max_tokens":0,"foo":1}""");

        Assert.Equal(["model", "messages[0].content", "max_tokens", "n", "foo"], errors.Select(e => e.Param));
    }

    [Fact]
    public void Assistant_messages_may_omit_content()
    {
        Assert.Empty(Parse.Errors("""{"model":"m","messages":[{"role":"user","content":"Hi"},{"role":"assistant"},{"role":"user","content":"?"}]}"""));
    }

    [Fact]
    public void Images_in_user_messages_are_valid_as_data_urls_and_http_urls()
    {
        Assert.Empty(Parse.Errors("""
            {"model":"m","messages":[{"role":"user","content":[
              {"type":"image_url","image_url":{"url":"data:image/jpeg;base64,/9j/4AAQ","detail":"auto"}},
              {"type":"image_url","image_url":{"url":"http://example.com/a.jpg"}},
              {"type":"text","text":"Compare"}]}]}
            """));
    }
}
