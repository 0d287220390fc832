using System.Net;
using System.Text;
using System.Text.Json;
using FlorenceVL.Api.Tests.Infrastructure;

namespace FlorenceVL.Api.Tests;

/// <summary>The SSE stream chunk by chunk, as OpenAI sends it, for the cases SDKs hide (n > 1, logprobs, usage).</summary>
public sealed class StreamingShapeTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task Two_streamed_choices_each_get_a_role_chunk_content_and_a_finish_chunk_then_usage_and_done()
    {
        var client = await factory.ReadyClientAsync();
        var body = $$"""
            {"model":"{{ApiFactory.Model}}","stream":true,"stream_options":{"include_usage":true},"n":2,"max_tokens":5,
             "temperature":0.9,"seed":11,"logprobs":true,"top_logprobs":2,"messages":[{"role":"user","content":"Tell me something."}]}
            """;

        using var response = await client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        var lines = Sse.DataLines(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("[DONE]", lines[^1]);
        var chunks = lines[..^1].Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Single(chunks.Select(c => c.GetProperty("id").GetString()).Distinct());
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.All(chunks[..^1], c => Assert.Equal(JsonValueKind.Null, c.GetProperty("usage").ValueKind));

        var usage = chunks[^1];
        Assert.Equal(0, usage.GetProperty("choices").GetArrayLength());
        var completionTokens = usage.GetProperty("usage").GetProperty("completion_tokens").GetInt32();
        var contentTokens = 0;
        foreach (var index in new[] { 0, 1 })
        {
            var mine = chunks[..^1].Select(c => c.GetProperty("choices")[0]).Where(c => c.GetProperty("index").GetInt32() == index).ToList();
            Assert.Equal("assistant", mine[0].GetProperty("delta").GetProperty("role").GetString());
            Assert.Contains(mine[^1].GetProperty("finish_reason").GetString(), new[] { "stop", "length" });
            Assert.All(mine[..^1], c => Assert.Equal(JsonValueKind.Null, c.GetProperty("finish_reason").ValueKind));
            var logprobs = mine.Where(c => c.GetProperty("logprobs").ValueKind == JsonValueKind.Object)
                .SelectMany(c => c.GetProperty("logprobs").GetProperty("content").EnumerateArray()).ToList();
            Assert.All(logprobs, t => Assert.Equal(2, t.GetProperty("top_logprobs").GetArrayLength()));
            contentTokens += logprobs.Count;
        }
        Assert.Equal(completionTokens, contentTokens);
    }

    [Fact]
    public async Task Without_include_usage_the_stream_has_no_usage_chunk()
    {
        var client = await factory.ReadyClientAsync();
        var body = $$"""{"model":"{{ApiFactory.Model}}","stream":true,"max_tokens":3,"messages":[{"role":"user","content":"Hi"}]}""";

        using var response = await client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        var lines = Sse.DataLines(await response.Content.ReadAsStringAsync());

        Assert.Equal("[DONE]", lines[^1]);
        Assert.All(lines[..^1], line => Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(line).RootElement.GetProperty("usage").ValueKind));
        Assert.All(lines[..^1], line => Assert.Equal(1, JsonDocument.Parse(line).RootElement.GetProperty("choices").GetArrayLength()));
    }

    [Fact]
    public async Task A_non_streaming_response_has_exactly_OpenAIs_top_level_fields()
    {
        var client = await factory.ReadyClientAsync();
        var body = $$"""{"model":"{{ApiFactory.Model}}","max_tokens":2,"messages":[{"role":"user","content":"Hi"}]}""";

        using var response = await client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["id", "object", "created", "model", "system_fingerprint", "choices", "usage"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["index", "message", "logprobs", "finish_reason"], json.RootElement.GetProperty("choices")[0].EnumerateObject().Select(p => p.Name));
        Assert.True(Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - json.RootElement.GetProperty("created").GetInt64()) < 120);
    }
}
