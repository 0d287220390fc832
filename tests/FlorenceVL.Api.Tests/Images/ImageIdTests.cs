using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FlorenceVL.Api.Hosting;
using FlorenceVL.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlorenceVL.Api.Tests.Images;

/// <summary>
/// POST /v1/images and chat requests by id (florencevl://img_...) on one in-process server without Redis: the image's
/// features live in the server's local image store, and a request by id runs no vision computation.
/// </summary>
public sealed class ImageIdTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_chat_by_id_answers_as_the_image_inline_without_running_the_vision_tower()
    {
        var client = await factory.ReadyClientAsync();
        var image = TestImages.Png(seed: 2020);
        var before = VisionImagesEncoded(factory);

        var uploaded = await UploadMultipartAsync(client, image);
        Assert.Equal(before + 1, VisionImagesEncoded(factory)); // the upload ran the tower once
        var id = uploaded.GetProperty("id").GetString()!;
        Assert.Matches("^img_[0-9a-f]{64}$", id);
        Assert.Equal("image", uploaded.GetProperty("object").GetString());
        Assert.Equal(25, uploaded.GetProperty("visual_tokens").GetInt32());
        Assert.True(uploaded.GetProperty("expires_at").GetInt64() > uploaded.GetProperty("created_at").GetInt64());

        using var byId = await AskAsync(client, "florencevl://" + id);
        var byIdBody = await byId.Content.ReadAsStringAsync();
        Assert.True(byId.StatusCode == HttpStatusCode.OK, byIdBody);
        Assert.Equal(before + 1, VisionImagesEncoded(factory)); // the request by id encoded nothing

        // The reference: the same request with the image inline, on a fresh server (this one's prefix cache would
        // otherwise serve the whole prompt from the request by id).
        await using var fresh = new ApiFactory();
        var freshClient = await fresh.ReadyClientAsync();
        using var inline = await AskAsync(freshClient, TestImages.DataUrl(image));
        var inlineBody = await inline.Content.ReadAsStringAsync();
        Assert.True(inline.StatusCode == HttpStatusCode.OK, inlineBody);
        Assert.Equal(1, VisionImagesEncoded(fresh));

        Assert.Equal(Answer(inlineBody), Answer(byIdBody));
        Assert.Equal(Usage(inlineBody), Usage(byIdBody));
        Assert.Equal(25, Usage(byIdBody).ImageTokens);
    }

    [Fact]
    public async Task The_same_image_gets_the_same_id_in_either_form_and_is_encoded_once()
    {
        var client = await factory.ReadyClientAsync();
        var image = TestImages.Png(seed: 2121);

        var multipart = await UploadMultipartAsync(client, image);
        var afterFirst = VisionImagesEncoded(factory);
        using var response = await client.PostAsJsonAsync("/v1/images", new { url = TestImages.DataUrl(image) });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var json = JsonDocument.Parse(body).RootElement;

        Assert.Equal(multipart.GetProperty("id").GetString(), json.GetProperty("id").GetString());
        Assert.Equal(afterFirst, VisionImagesEncoded(factory)); // stored already: the TTL is renewed, the tower is not run
        // The same picture re-encoded losslessly is the same image.
        Assert.NotEqual(multipart.GetProperty("id").GetString(), (await UploadMultipartAsync(client, TestImages.Png(seed: 2122))).GetProperty("id").GetString());
    }

    [Fact]
    public async Task An_unknown_id_is_a_400_naming_it_at_the_parts_url()
    {
        var client = await factory.ReadyClientAsync();
        var id = "img_" + new string('a', 64);

        using var response = await AskAsync(client, "florencevl://" + id);

        var error = await OpenAIErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "image_not_found");
        Assert.Equal("messages[0].content[1].image_url.url", error.GetProperty("param").GetString());
        Assert.Contains(id, error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_malformed_id_is_not_found_either()
    {
        var client = await factory.ReadyClientAsync();

        using var response = await AskAsync(client, "florencevl://not-an-id");

        var error = await OpenAIErrorAssert.IsErrorAsync(response, HttpStatusCode.BadRequest, "image_not_found");
        Assert.Contains("not-an-id", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_junk_upload_is_a_400_in_OpenAIs_shape_in_either_form()
    {
        var client = await factory.ReadyClientAsync();
        var junk = "this is not an image at all"u8.ToArray();

        using var multipart = await PostMultipartAsync(client, junk);
        var error = await OpenAIErrorAssert.IsErrorAsync(multipart, HttpStatusCode.BadRequest);
        Assert.Equal("file", error.GetProperty("param").GetString());

        using var json = await client.PostAsJsonAsync("/v1/images", new { url = TestImages.DataUrl(junk) });
        error = await OpenAIErrorAssert.IsErrorAsync(json, HttpStatusCode.BadRequest);
        Assert.Equal("url", error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task An_upload_without_an_image_is_a_400_naming_what_is_missing()
    {
        var client = await factory.ReadyClientAsync();

        using var noFile = await client.PostAsync("/v1/images", new MultipartFormDataContent { { new StringContent("x"), "purpose" } });
        var error = await OpenAIErrorAssert.IsErrorAsync(noFile, HttpStatusCode.BadRequest, "missing_required_parameter");
        Assert.Equal("file", error.GetProperty("param").GetString());

        using var noUrl = await client.PostAsJsonAsync("/v1/images", new { });
        error = await OpenAIErrorAssert.IsErrorAsync(noUrl, HttpStatusCode.BadRequest, "missing_required_parameter");
        Assert.Equal("url", error.GetProperty("param").GetString());

        using var notJson = await client.PostAsync("/v1/images", new StringContent("{", System.Text.Encoding.UTF8, "application/json"));
        await OpenAIErrorAssert.IsErrorAsync(notJson, HttpStatusCode.BadRequest, "invalid_json");
    }

    internal static long VisionImagesEncoded(ApiFactory server) => server.Services.GetRequiredService<EngineHost>().Engine!.Metrics.VisionImagesEncoded;

    internal static async Task<HttpResponseMessage> PostMultipartAsync(HttpClient client, byte[] bytes)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return await client.PostAsync("/v1/images", new MultipartFormDataContent { { file, "file", "image.png" } });
    }

    internal static async Task<JsonElement> UploadMultipartAsync(HttpClient client, byte[] bytes)
    {
        using var response = await PostMultipartAsync(client, bytes);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    internal static Task<HttpResponseMessage> AskAsync(HttpClient client, string imageUrl) =>
        client.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = ApiFactory.Model,
            temperature = 0,
            max_tokens = 8,
            messages = new object[]
            {
                new { role = "user", content = new object[]
                {
                    new { type = "text", text = "What is in the picture?" },
                    new { type = "image_url", image_url = new { url = imageUrl } },
                } },
            },
        });

    internal static string Answer(string json) =>
        JsonDocument.Parse(json).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;

    internal static (int Prompt, int Completion, int ImageTokens) Usage(string json)
    {
        var usage = JsonDocument.Parse(json).RootElement.GetProperty("usage");
        return (usage.GetProperty("prompt_tokens").GetInt32(), usage.GetProperty("completion_tokens").GetInt32(),
            usage.GetProperty("prompt_tokens_details").GetProperty("image_tokens").GetInt32());
    }
}
