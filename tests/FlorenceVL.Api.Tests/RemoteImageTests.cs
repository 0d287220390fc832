using System.Net;
using System.Text;
using System.Text.Json;
using FlorenceVL.Api.Tests.Infrastructure;

namespace FlorenceVL.Api.Tests;

/// <summary>http(s) images from a real local origin: allow-listed hosts are fetched, redirects are followed hop by hop.</summary>
public sealed class RemoteImageTests(HardenedFactory factory, ImageOrigin origin) : IClassFixture<HardenedFactory>, IClassFixture<ImageOrigin>
{
    [Theory]
    [InlineData("/image.png")]
    [InlineData("/image.jpg")]
    [InlineData("/redirect-to-image")]
    public async Task An_allow_listed_image_URL_is_fetched_and_encoded(string path)
    {
        var client = await factory.ReadyClientAsync();

        using var response = await PostImageAsync(client, origin.Url(path));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(25, json.RootElement.GetProperty("usage").GetProperty("prompt_tokens_details").GetProperty("image_tokens").GetInt32());
    }

    [Fact]
    public async Task A_fetched_image_gives_the_same_answer_as_the_same_bytes_inline()
    {
        var client = await factory.ReadyClientAsync();

        using var remote = await PostImageAsync(client, origin.Url("/image.png"));
        using var inline = await PostImageAsync(client, TestImages.DataUrl(ImageOrigin.Png));

        Assert.Equal(Answer(await remote.Content.ReadAsStringAsync()), Answer(await inline.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task A_redirect_to_loopback_is_refused_with_invalid_image_url_naming_the_part()
    {
        var client = await factory.ReadyClientAsync();

        using var response = await PostImageAsync(client, origin.Url("/redirect-to-loopback"));

        var error = await OpenAIErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_image_url");
        Assert.Equal("messages[0].content[1].image_url.url", error.GetProperty("param").GetString());
        Assert.Contains("127.0.0.1", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_transient_failure_of_the_image_host_is_retried()
    {
        var client = await factory.ReadyClientAsync();

        using var response = await PostImageAsync(client, origin.Url($"/flaky.png?id={Guid.NewGuid():N}"));

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_image_host_that_does_not_answer_in_time_is_a_400_after_the_timeout()
    {
        var client = await factory.ReadyClientAsync();
        var watch = System.Diagnostics.Stopwatch.StartNew();

        using var response = await PostImageAsync(client, origin.Url("/slow.png"));

        var error = await OpenAIErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_image_url");
        Assert.Contains("timed out", error.GetProperty("message").GetString());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed}");
    }

    public static Task<HttpResponseMessage> PostImageAsync(HttpClient client, string url) =>
        client.PostAsync("/v1/chat/completions", new StringContent($$$"""
            {"model":"{{{ApiFactory.Model}}}","max_tokens":4,"temperature":0,"messages":[{"role":"user","content":[
             {"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"{{{url}}}"}}]}]}
            """, Encoding.UTF8, "application/json"));

    private static string Answer(string body)
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
    }
}

/// <summary>With default settings no host is allow-listed: even "localhost" is refused.</summary>
public sealed class DefaultRemoteImagePolicyTests(ApiFactory factory, ImageOrigin origin) : IClassFixture<ApiFactory>, IClassFixture<ImageOrigin>
{
    [Fact]
    public async Task Localhost_is_refused_by_default()
    {
        var client = await factory.ReadyClientAsync();

        using var response = await RemoteImageTests.PostImageAsync(client, origin.Url("/image.png"));

        await OpenAIErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "invalid_image_url");
    }
}
