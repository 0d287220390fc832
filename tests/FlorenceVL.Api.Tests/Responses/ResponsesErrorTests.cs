using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FlorenceVL.Api.Tests.Infrastructure;

namespace FlorenceVL.Api.Tests.Responses;

/// <summary>Raw requests to /v1/responses: the response object's shape, the SSE event sequence, and the 400s in OpenAI's error shape.</summary>
public sealed class ResponsesErrorTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private async Task<HttpResponseMessage> PostAsync(string json)
    {
        var client = await factory.ReadyClientAsync();
        return await client.PostAsync("/v1/responses", new StringContent(json, Encoding.UTF8, "application/json"));
    }

    [Fact]
    public async Task A_response_echoes_its_settings_and_says_it_stored_nothing()
    {
        using var response = await PostAsync($$"""
            {"model":"{{ApiFactory.Model}}","input":"Hi","store":true,"max_output_tokens":3,"temperature":0,"metadata":{"k":"v"} }
            """);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = body.RootElement;
        Assert.Equal("response", root.GetProperty("object").GetString());
        Assert.False(root.GetProperty("store").GetBoolean());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("previous_response_id").ValueKind);
        Assert.Equal(3, root.GetProperty("max_output_tokens").GetInt32());
        Assert.Equal("auto", root.GetProperty("tool_choice").GetString());
        Assert.Equal("text", root.GetProperty("text").GetProperty("format").GetProperty("type").GetString());
        Assert.Equal("v", root.GetProperty("metadata").GetProperty("k").GetString());
        var item = root.GetProperty("output")[0];
        Assert.Equal("message", item.GetProperty("type").GetString());
        Assert.Equal("output_text", item.GetProperty("content")[0].GetProperty("type").GetString());
        Assert.Equal(0, item.GetProperty("content")[0].GetProperty("annotations").GetArrayLength());
        var usage = root.GetProperty("usage");
        Assert.Equal(0, usage.GetProperty("output_tokens_details").GetProperty("reasoning_tokens").GetInt32());
        Assert.Equal(usage.GetProperty("input_tokens").GetInt32() + usage.GetProperty("output_tokens").GetInt32(), usage.GetProperty("total_tokens").GetInt32());
        if (root.GetProperty("status").GetString() == "incomplete")
            Assert.Equal("max_output_tokens", root.GetProperty("incomplete_details").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_stream_sends_typed_events_in_order()
    {
        using var response = await PostAsync($$"""{"model":"{{ApiFactory.Model}}","input":"Hi","stream":true,"max_output_tokens":4}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var names = text.Split('\n').Where(l => l.StartsWith("event: ")).Select(l => l["event: ".Length..]).ToList();
        var data = Sse.DataLines(text).Select(d => JsonDocument.Parse(d).RootElement.Clone()).ToList();
        Assert.Equal(names, data.Select(d => d.GetProperty("type").GetString()));
        Assert.Equal(Enumerable.Range(0, data.Count), data.Select(d => d.GetProperty("sequence_number").GetInt32()));
        Assert.Equal(["response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"], names.Take(4));
        Assert.Equal(["response.output_text.done", "response.content_part.done", "response.output_item.done"], names.SkipLast(1).TakeLast(3));
        Assert.Contains(names[^1], new[] { "response.completed", "response.incomplete" });
        Assert.Equal(JsonValueKind.Null, data[0].GetProperty("response").GetProperty("usage").ValueKind);
        var joined = string.Concat(data.Where(d => d.GetProperty("type").GetString() == "response.output_text.delta").Select(d => d.GetProperty("delta").GetString()));
        var final = data[^1].GetProperty("response");
        Assert.Equal(joined, final.GetProperty("output")[0].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.True(final.GetProperty("usage").GetProperty("output_tokens").GetInt32() >= 1);
    }

    [Fact]
    public async Task Previous_response_id_is_refused_because_nothing_is_stored()
    {
        using var response = await PostAsync($$"""{"model":"{{ApiFactory.Model}}","input":"Hi","previous_response_id":"resp_123"}""");

        var error = await OpenAIErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "unsupported_parameter");
        Assert.Equal("previous_response_id", error.GetProperty("param").GetString());
        Assert.Contains("stateless", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task An_unknown_field_is_refused_by_name()
    {
        using var response = await PostAsync($$"""{"model":"{{ApiFactory.Model}}","input":"Hi","frobnicate":1}""");

        var error = await OpenAIErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "unknown_parameter");
        Assert.Equal("frobnicate", error.GetProperty("param").GetString());
    }

    [Theory]
    [InlineData("""{"type":"web_search"}""")]
    [InlineData("""{"type":"file_search","vector_store_ids":["vs_1"]}""")]
    public async Task A_built_in_tool_is_refused_naming_its_type(string tool)
    {
        using var response = await PostAsync($$"""{"model":"{{ApiFactory.Model}}","input":"Hi","tools":[{{tool}}]}""");

        var error = await OpenAIErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "unsupported_value");
        Assert.Equal("tools[0].type", error.GetProperty("param").GetString());
        Assert.Contains(JsonDocument.Parse(tool).RootElement.GetProperty("type").GetString()!, error.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("\"background\":true", "background", "unsupported_parameter")]
    [InlineData("\"reasoning\":{\"effort\":\"high\"}", "reasoning", "unsupported_parameter")]
    [InlineData("\"include\":[\"message.output_text.logprobs\"]", "include", "unsupported_parameter")]
    [InlineData("\"truncation\":\"auto\"", "truncation", "unsupported_value")]
    [InlineData("\"conversation\":\"conv_1\"", "conversation", "unsupported_parameter")]
    [InlineData("\"max_output_tokens\":0", "max_output_tokens", null)]
    [InlineData("\"text\":{\"format\":{\"type\":\"xml\"}}", "text.format.type", null)]
    public async Task Stateful_and_unimplemented_parameters_are_refused_by_name(string field, string param, string? code)
    {
        using var response = await PostAsync($$"""{"model":"{{ApiFactory.Model}}","input":"Hi",{{field}}}""");

        var error = await OpenAIErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, code);
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task Errors_inside_input_items_name_the_item()
    {
        using var badImage = await PostAsync($$"""
            {"model":"{{ApiFactory.Model}}","input":[{"role":"user","content":[{"type":"input_text","text":"Hi"},{"type":"input_image","image_url":"ftp://example.com/a.png"}]}]}
            """);
        var error = await OpenAIErrorAssert.IsErrorAsync(badImage, HttpStatusCode.BadRequest);
        Assert.Equal("input[0].content[1].image_url", error.GetProperty("param").GetString());

        using var badType = await PostAsync($$"""{"model":"{{ApiFactory.Model}}","input":[{"type":"item_reference","id":"msg_1"}]}""");
        error = await OpenAIErrorAssert.IsErrorAsync(badType, HttpStatusCode.BadRequest, "unsupported_value");
        Assert.Equal("input[0].type", error.GetProperty("param").GetString());

        using var wrongKind = await PostAsync($$"""{"model":"{{ApiFactory.Model}}","input":[{"type":"function_call","call_id":1}]}""");
        error = await OpenAIErrorAssert.IsErrorAsync(wrongKind, HttpStatusCode.BadRequest, "invalid_type");
        Assert.Equal("input[0].call_id", error.GetProperty("param").GetString());
    }
}
