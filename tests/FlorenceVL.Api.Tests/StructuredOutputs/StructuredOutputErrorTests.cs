using System.Net;
using System.Text;
using FlorenceVL.Api.Tests.Infrastructure;

namespace FlorenceVL.Api.Tests.StructuredOutputs;

/// <summary>Refusals of structured-output and tool requests over real HTTP: OpenAI's error shape, the field named, nothing run.</summary>
public sealed class StructuredOutputErrorTests(LongContextFactory factory) : IClassFixture<LongContextFactory>
{
    private const string Weather = """
        {"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}
        """;

    private async Task<HttpResponseMessage> PostAsync(string fields, string messages = """[{"role":"user","content":"Hi, answer in JSON"}]""")
    {
        var client = await factory.ReadyClientAsync();
        var body = $$"""{"model":"{{ApiFactory.Model}}","max_tokens":8,"messages":{{messages}},{{fields}}}""";
        return await client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
    }

    [Fact]
    public async Task A_schema_keyword_the_engine_cannot_enforce_is_named_with_its_path()
    {
        var response = await PostAsync("""
            "response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object","properties":{"id":{"type":"string","pattern":"^a+$"}}}}}
            """);

        var error = await OpenAIErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_value");
        Assert.Equal("response_format.json_schema.schema", error.GetProperty("param").GetString());
        Assert.Contains("'pattern'", error.GetProperty("message").GetString());
        Assert.Contains("$.properties.id.pattern", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_tool_parameter_schema_the_engine_cannot_enforce_names_the_tool()
    {
        var response = await PostAsync("\"tools\":[" + Weather + ","
            + """{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"n":{"type":"integer","minimum":3}}}}}"""
            + "],\"tool_choice\":\"required\"");

        var error = await OpenAIErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_value");
        Assert.Equal("tools[1].function.parameters", error.GetProperty("param").GetString());
        Assert.Contains("'minimum'", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_tool_choice_naming_an_unknown_function_is_refused()
    {
        var response = await PostAsync($$$"""
            "tools":[{{{Weather}}}],"tool_choice":{"type":"function","function":{"name":"get_time"}}
            """);

        var error = await OpenAIErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_value");
        Assert.Equal("tool_choice", error.GetProperty("param").GetString());
        Assert.Contains("get_time", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_tool_message_without_a_matching_call_id_is_refused()
    {
        var response = await PostAsync($$"""
            "tools":[{{Weather}}]
            """, """
            [{"role":"user","content":"Weather?"},
             {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Oslo\"}"}}]},
             {"role":"tool","tool_call_id":"call_2","content":"snow"}]
            """);

        var error = await OpenAIErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_value");
        Assert.Equal("messages[2].tool_call_id", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task A_schema_over_the_configured_limit_is_refused_before_it_is_compiled()
    {
        var properties = string.Join(",", Enumerable.Range(0, 200).Select(i => $$"""
            "field_{{i}}":{"type":"string"}
            """.Trim()));
        var response = await PostAsync("""
            "response_format":{"type":"json_schema","json_schema":{"name":"big","schema":{"type":"object","properties":{
            """ + properties + "}}}}");

        var error = await OpenAIErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "string_above_max_length");
        Assert.Contains(LongContextFactory.MaxSchemaBytes.ToString(), error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Json_object_mode_needs_the_word_json_in_the_messages_as_OpenAI_requires()
    {
        var response = await PostAsync("""
            "response_format":{"type":"json_object"}
            """, """[{"role":"user","content":"Hi"}]""");

        var error = await OpenAIErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_value");
        Assert.Equal("messages", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task A_response_format_with_tool_choice_auto_is_refused_with_the_reason()
    {
        var response = await PostAsync($$"""
            "tools":[{{Weather}}],"response_format":{"type":"json_object"}
            """);

        var error = await OpenAIErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "unsupported_value");
        Assert.Equal("response_format", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task The_deprecated_functions_field_is_still_refused_by_name()
    {
        var response = await PostAsync("""
            "functions":[{"name":"f","parameters":{"type":"object"}}]
            """);

        var error = await OpenAIErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "unsupported_parameter");
        Assert.Equal("functions", error.GetProperty("param").GetString());
    }
}
