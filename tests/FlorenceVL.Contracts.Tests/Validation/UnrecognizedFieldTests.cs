using FlorenceVL.Contracts.Errors;

namespace FlorenceVL.Contracts.Tests.Validation;

public class UnrecognizedFieldTests
{
    private static string WithField(string field) =>
        $$"""{"model":"m","messages":[{"role":"user","content":"Hi"}],{{field}}}""";

    [Theory]
    [InlineData("\"functions\":[{\"name\":\"f\"}]", "functions")]
    [InlineData("\"function_call\":\"auto\"", "function_call")]
    [InlineData("\"function_call\":{\"name\":\"f\"}", "function_call")]
    [InlineData("\"audio\":{\"voice\":\"alloy\",\"format\":\"wav\"}", "audio")]
    [InlineData("\"modalities\":[\"text\",\"audio\"]", "modalities")]
    [InlineData("\"logit_bias\":{\"50256\":-100}", "logit_bias")]
    [InlineData("\"prediction\":{\"type\":\"content\",\"content\":\"x\"}", "prediction")]
    [InlineData("\"reasoning_effort\":\"low\"", "reasoning_effort")]
    [InlineData("\"web_search_options\":{}", "web_search_options")]
    [InlineData("\"service_tier\":\"flex\"", "service_tier")]
    public void OpenAI_parameters_that_are_not_implemented_are_refused_by_name(string field, string param)
    {
        var error = Assert.Single(Parse.Errors(WithField(field)));

        Assert.Equal((param, OpenAIErrorCodes.UnsupportedParameter), (error.Param, error.Code));
        Assert.Contains($"'{param}'", error.Message);
    }

    [Theory]
    [InlineData("\"tools\":null")]
    [InlineData("\"tool_choice\":\"none\"")]
    [InlineData("\"parallel_tool_calls\":true")]
    [InlineData("\"modalities\":[\"text\"]")]
    [InlineData("\"response_format\":{\"type\":\"text\"}")]
    [InlineData("\"logit_bias\":{}")]
    [InlineData("\"service_tier\":\"auto\"")]
    [InlineData("\"user\":\"u-1\",\"store\":false,\"metadata\":{\"a\":\"b\"}")]
    [InlineData("\"safety_identifier\":\"hash\",\"prompt_cache_key\":\"k\"")]
    [InlineData("\"stream\":true,\"stream_options\":{\"include_usage\":true,\"include_obfuscation\":false}")]
    public void Values_that_ask_for_nothing_are_accepted(string field)
    {
        Assert.Empty(Parse.Errors(WithField(field)));
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"Hi"}],"temprature":0.5}""", "temprature")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"Hi"}],"best_of":2}""", "best_of")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"Hi","contnet":"x"}]}""", "messages[0].contnet")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"Hi","cache_control":{}}]}]}""", "messages[0].content[0].cache_control")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x.test/a.png","size":9}}]}]}""", "messages[0].content[0].image_url.size")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"Hi"}],"stream":true,"stream_options":{"include_usage":true,"chunk_size":1}}""", "stream_options.chunk_size")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"Hi"}],"typo":null}""", "typo")]
    public void Unknown_fields_are_refused_by_their_path(string json, string param)
    {
        var error = Assert.Single(Parse.Errors(json));

        Assert.Equal((param, OpenAIErrorCodes.UnknownParameter), (error.Param, error.Code));
        Assert.Equal($"Unknown parameter: '{param}'.", error.Message);
    }

    [Theory]
    [InlineData("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]")]
    [InlineData("\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"tool_choice\":\"auto\"")]
    [InlineData("\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\"}}")]
    public void Tools_and_response_formats_are_declared_parameters_now(string field)
    {
        Assert.Empty(Parse.Errors(WithField(field)));
    }

    [Fact]
    public void The_deprecated_function_call_of_a_message_is_still_refused()
    {
        var error = Assert.Single(Parse.Errors("""
            {"model":"m","messages":[{"role":"user","content":"Hi"},
              {"role":"assistant","content":null,"function_call":{"name":"f","arguments":"{}"}}]}
            """));

        Assert.Equal(("messages[1].function_call", OpenAIErrorCodes.UnsupportedParameter), (error.Param, error.Code));
    }
}
