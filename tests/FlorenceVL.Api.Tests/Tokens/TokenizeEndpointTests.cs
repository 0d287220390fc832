using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlorenceVL.Api.Tests.Infrastructure;

namespace FlorenceVL.Api.Tests.Tokens;

/// <summary>/tokenize and /detokenize (vLLM's shape) against the real server: counts agree with what a completion reports.</summary>
public sealed class TokenizeEndpointTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static JsonArray ImageQuestion() => new(new JsonObject
    {
        ["role"] = "user",
        ["content"] = new JsonArray(
            new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = TestImages.DataUrl(TestImages.Png(4)) } },
            new JsonObject { ["type"] = "text", ["text"] = "How many shapes are there?" }),
    });

    [Fact]
    public async Task Chat_messages_count_exactly_the_prompt_tokens_a_completion_then_reports()
    {
        var client = await factory.ReadyClientAsync();

        using var counted = await client.PostAsJsonAsync("/tokenize", new JsonObject { ["model"] = ApiFactory.Model, ["messages"] = ImageQuestion() });
        using var completed = await client.PostAsJsonAsync("/v1/chat/completions",
            new JsonObject { ["model"] = ApiFactory.Model, ["messages"] = ImageQuestion(), ["max_tokens"] = 1 });

        Assert.Equal(HttpStatusCode.OK, counted.StatusCode);
        using var tokenized = JsonDocument.Parse(await counted.Content.ReadAsStringAsync());
        using var completion = JsonDocument.Parse(await completed.Content.ReadAsStringAsync());
        var usage = completion.RootElement.GetProperty("usage");
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt32(), tokenized.RootElement.GetProperty("count").GetInt32());
        Assert.Equal(tokenized.RootElement.GetProperty("count").GetInt32(), tokenized.RootElement.GetProperty("tokens").GetArrayLength());
        Assert.Equal(25, tokenized.RootElement.GetProperty("image_tokens").GetInt32());
        Assert.Equal(256, tokenized.RootElement.GetProperty("max_model_len").GetInt32());
    }

    [Fact]
    public async Task A_low_detail_image_is_counted_at_the_smaller_preset()
    {
        var client = await factory.ReadyClientAsync();
        var messages = ImageQuestion();
        messages[0]!["content"]![0]!["image_url"]!["detail"] = "low";

        using var response = await client.PostAsJsonAsync("/tokenize", new JsonObject { ["model"] = ApiFactory.Model, ["messages"] = messages });

        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        // 160 px natively (a 5x5 grid); low is 96 px, a 3x3 grid.
        Assert.Equal(9, document.RootElement.GetProperty("image_tokens").GetInt32());
    }

    [Fact]
    public async Task Tools_are_counted_as_the_model_sees_them()
    {
        var client = await factory.ReadyClientAsync();
        var question = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Weather?" });
        var tools = JsonNode.Parse("""[{"type":"function","function":{"name":"w","parameters":{"type":"object","properties":{"c":{"type":"string"}}}}}]""");

        var without = await CountAsync(client, new JsonObject { ["model"] = ApiFactory.Model, ["messages"] = question.DeepClone() });
        var with = await CountAsync(client, new JsonObject { ["model"] = ApiFactory.Model, ["messages"] = question.DeepClone(), ["tools"] = tools });

        Assert.True(with > without + 20, $"{with} tokens with the tool, {without} without");
    }

    [Fact]
    public async Task A_prompt_round_trips_through_detokenize()
    {
        var client = await factory.ReadyClientAsync();
        const string text = "A red circle, left of a blue square.";

        using var tokenized = await client.PostAsJsonAsync("/tokenize",
            new JsonObject { ["model"] = ApiFactory.Model, ["prompt"] = text, ["add_special_tokens"] = false, ["return_token_strs"] = true });
        using var document = JsonDocument.Parse(await tokenized.Content.ReadAsStringAsync());
        var tokens = document.RootElement.GetProperty("tokens");
        Assert.Equal(tokens.GetArrayLength(), document.RootElement.GetProperty("token_strs").GetArrayLength());
        using var detokenized = await client.PostAsJsonAsync("/detokenize",
            new JsonObject { ["model"] = ApiFactory.Model, ["tokens"] = JsonNode.Parse(tokens.GetRawText()) });

        using var back = JsonDocument.Parse(await detokenized.Content.ReadAsStringAsync());
        Assert.Equal(text, back.RootElement.GetProperty("prompt").GetString());
    }

    [Fact]
    public async Task Bad_requests_get_OpenAI_shaped_errors_naming_the_field()
    {
        var client = await factory.ReadyClientAsync();

        using var both = await client.PostAsJsonAsync("/tokenize",
            new JsonObject { ["model"] = ApiFactory.Model, ["prompt"] = "a", ["messages"] = ImageQuestion() });
        using var unknownId = await client.PostAsJsonAsync("/detokenize",
            new JsonObject { ["model"] = ApiFactory.Model, ["tokens"] = new JsonArray(1, 999999) });
        using var wrongModel = await client.PostAsJsonAsync("/tokenize", new JsonObject { ["model"] = "gpt-4o", ["prompt"] = "a" });
        using var unknownField = await client.PostAsJsonAsync("/tokenize", new JsonObject { ["model"] = ApiFactory.Model, ["prompt"] = "a", ["chat_template"] = "x" });

        Assert.Equal("messages", (await OpenAIErrorAssert.IsErrorAsync(both, HttpStatusCode.BadRequest, "invalid_value")).GetProperty("param").GetString());
        Assert.Equal("tokens", (await OpenAIErrorAssert.IsErrorAsync(unknownId, HttpStatusCode.BadRequest, "invalid_value")).GetProperty("param").GetString());
        await OpenAIErrorAssert.IsErrorAsync(wrongModel, HttpStatusCode.NotFound, "model_not_found");
        await OpenAIErrorAssert.IsErrorAsync(unknownField, HttpStatusCode.BadRequest, "unknown_parameter");
    }

    private static async Task<int> CountAsync(HttpClient client, JsonObject body)
    {
        using var response = await client.PostAsJsonAsync("/tokenize", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.GetProperty("count").GetInt32();
    }
}
