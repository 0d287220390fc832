using System.ClientModel;
using System.Net;
using System.Text;
using FlorenceVL.Api.Tests.Infrastructure;
using OpenAI.Chat;

namespace FlorenceVL.Api.Tests;

/// <summary>Each error class as the official SDK sees it: status, OpenAI code, and Retry-After where one applies.</summary>
public sealed class ErrorClassTests(HardenedFactory factory) : IClassFixture<HardenedFactory>
{
    private static readonly ChatCompletionOptions Short = new() { Temperature = 0, MaxOutputTokenCount = 4 };

    [Fact]
    public async Task An_out_of_range_parameter_is_a_400_naming_it()
    {
        var chat = OpenAIClients.Chat(await factory.ReadyClientAsync());

        var error = await Assert.ThrowsAsync<ClientResultException>(() =>
            chat.CompleteChatAsync([new UserChatMessage("Hi")], new ChatCompletionOptions { Temperature = 3 }));

        Assert.Equal(400, error.Status);
        var body = OpenAIErrorAssert.Shape(error.GetRawResponse()!.Content.ToString(), "decimal_above_max_value");
        Assert.Equal("temperature", body.GetProperty("param").GetString());
    }

    [Fact]
    public async Task Asking_for_more_tokens_than_the_context_holds_is_context_length_exceeded()
    {
        var chat = OpenAIClients.Chat(await factory.ReadyClientAsync());

        var error = await Assert.ThrowsAsync<ClientResultException>(() =>
            chat.CompleteChatAsync([new UserChatMessage("Hi")], new ChatCompletionOptions { MaxOutputTokenCount = 100_000 }));

        Assert.Equal(400, error.Status);
        OpenAIErrorAssert.Shape(error.GetRawResponse()!.Content.ToString(), "context_length_exceeded");
    }

    [Fact]
    public async Task A_prompt_longer_than_the_context_is_context_length_exceeded()
    {
        var chat = OpenAIClients.Chat(await factory.ReadyClientAsync());
        var longText = string.Join(' ', Enumerable.Repeat("tell me more about the colourful kites", 200));

        var error = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage(longText)], Short));

        Assert.Equal(400, error.Status);
        OpenAIErrorAssert.Shape(error.GetRawResponse()!.Content.ToString(), "context_length_exceeded");
    }

    [Fact]
    public async Task An_undecodable_image_is_a_400()
    {
        var chat = OpenAIClients.Chat(await factory.ReadyClientAsync());
        var truncated = TestImages.Png(5)[..60];

        var error = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage(
            ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes(truncated), "image/png"))], Short));

        Assert.Equal(400, error.Status);
        OpenAIErrorAssert.Shape(error.GetRawResponse()!.Content.ToString(), null);
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413()
    {
        var chat = OpenAIClients.Chat(await factory.ReadyClientAsync());
        var huge = new string('a', HardenedFactory.MaxRequestBodyBytes + 1);

        var error = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage(huge)], Short));

        Assert.Equal(413, error.Status);
        OpenAIErrorAssert.Shape(error.GetRawResponse()!.Content.ToString(), "request_too_large");
    }

    [Fact]
    public async Task A_body_over_the_limit_without_a_declared_length_is_a_413()
    {
        var client = await factory.ReadyClientAsync();
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(
            $$"""{"model":"{{ApiFactory.Model}}","messages":[{"role":"user","content":"{{new string('b', HardenedFactory.MaxRequestBodyBytes)}}"}]}""")));
        content.Headers.ContentType = new("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.SendAsync(request);

        await OpenAIErrorAssert.IsErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "request_too_large");
    }
}

/// <summary>429 with Retry-After from the real engine's bounded queue.</summary>
public sealed class OverloadTests(TinyQueueFactory factory) : IClassFixture<TinyQueueFactory>
{
    [Fact]
    public async Task A_full_queue_answers_429_with_retry_after()
    {
        var chat = OpenAIClients.Chat(await factory.ReadyClientAsync());
        var options = new ChatCompletionOptions { Temperature = 0, MaxOutputTokenCount = 200 };

        var attempts = Enumerable.Range(0, 8).Select(async i =>
        {
            try { await chat.CompleteChatAsync([new UserChatMessage($"Busy request {i}")], options); return null; }
            catch (ClientResultException e) { return e; }
        });
        var errors = (await Task.WhenAll(attempts)).OfType<ClientResultException>().ToList();

        Assert.NotEmpty(errors);
        Assert.All(errors, e =>
        {
            Assert.Equal(429, e.Status);
            OpenAIErrorAssert.Shape(e.GetRawResponse()!.Content.ToString(), "rate_limit_exceeded");
            Assert.True(e.GetRawResponse()!.Headers.TryGetValue("Retry-After", out var retryAfter));
            Assert.True(int.Parse(retryAfter!) >= 1);
        });
        var after = await chat.CompleteChatAsync([new UserChatMessage("Quiet now")], new ChatCompletionOptions { MaxOutputTokenCount = 2 });
        Assert.True(after.Value.Usage.OutputTokenCount >= 1);
    }
}

/// <summary>While the model loads, /v1 and readiness say 503 in OpenAI's shape and liveness says 200.</summary>
public sealed class LoadingTests(SlowLoadingFactory factory) : IClassFixture<SlowLoadingFactory>
{
    [Fact]
    public async Task The_server_is_live_but_answers_503_until_the_model_is_loaded_then_serves()
    {
        var client = factory.CreateClient();
        var chat = OpenAIClients.Chat(client);

        using var live = await client.GetAsync("/health/live");
        using var ready = await client.GetAsync("/health/ready");
        var metrics = await client.GetStringAsync("/metrics");
        var error = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("Hi")]));
        using var models = await client.GetAsync("/v1/models");

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        await OpenAIErrorAssert.IsErrorAsync(ready, HttpStatusCode.ServiceUnavailable, "service_unavailable");
        Assert.Contains("florencevl_ready 0", metrics);
        Assert.Equal(503, error.Status);
        Assert.True(error.GetRawResponse()!.Headers.TryGetValue("Retry-After", out _));
        await OpenAIErrorAssert.IsErrorAsync(models, HttpStatusCode.ServiceUnavailable, "service_unavailable");

        factory.FinishLoading();
        await Ready.WaitAsync(client, TimeSpan.FromSeconds(60));
        var completion = await chat.CompleteChatAsync([new UserChatMessage("Hi")], new ChatCompletionOptions { MaxOutputTokenCount = 2 });
        Assert.True(completion.Value.Usage.OutputTokenCount >= 1);
    }
}

/// <summary>Server faults: a bare 500 before the response starts, an SSE error event after; never the exception's text.</summary>
public sealed class ServerFaultTests(FaultInjectingFactory factory) : IClassFixture<FaultInjectingFactory>
{
    [Fact]
    public async Task A_fault_before_streaming_is_a_500_in_OpenAI_shape_without_details()
    {
        var chat = OpenAIClients.Chat(await factory.ReadyClientAsync());

        var error = await Assert.ThrowsAsync<ClientResultException>(() =>
            chat.CompleteChatAsync([new UserChatMessage(FaultInjectingFactory.FailOnStart)]));

        Assert.Equal(500, error.Status);
        var body = error.GetRawResponse()!.Content.ToString();
        OpenAIErrorAssert.Shape(body, null);
        Assert.DoesNotContain("hunter2", body);
        Assert.DoesNotContain("Simulated", body);
    }

    [Fact]
    public async Task A_fault_mid_stream_becomes_an_error_event_and_the_stream_ends_without_done()
    {
        var client = await factory.ReadyClientAsync();
        var body = $$"""{"model":"{{ApiFactory.Model}}","stream":true,"max_tokens":8,"messages":[{"role":"user","content":"{{FaultInjectingFactory.FailMidStream}}"}]}""";

        using var response = await client.PostAsync("/v1/chat/completions", new StringContent(body, Encoding.UTF8, "application/json"));
        var events = Sse.DataLines(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("[DONE]", events);
        var error = OpenAIErrorAssert.Shape(events[^1], null);
        Assert.Equal("server_error", error.GetProperty("type").GetString());
        Assert.DoesNotContain("hunter2", string.Join("\n", events));
        Assert.Contains("chat.completion.chunk", events[0]);
    }
}
