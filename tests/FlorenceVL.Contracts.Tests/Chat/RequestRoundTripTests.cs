using System.Text.Json;
using System.Text.Json.Nodes;
using FlorenceVL.Contracts.Chat;

namespace FlorenceVL.Contracts.Tests.Chat;

public class RequestRoundTripTests
{
    // Request bodies as OpenAI's API reference and vision guide show them.
    private const string StringContent = """
        {
          "model": "gpt-4o",
          "messages": [
            {"role": "developer", "content": "You are a helpful assistant."},
            {"role": "user", "content": "Hello!"}
          ]
        }
        """;

    private const string ImageDataUrl = """
        {
          "model": "gpt-4.1",
          "messages": [
            {
              "role": "user",
              "content": [
                {"type": "text", "text": "What's in this image?"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo=", "detail": "high"}}
              ]
            }
          ],
          "max_tokens": 300
        }
        """;

    private const string EverySupportedField = """
        {
          "model": "florence-vl-3b",
          "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Hi", "name": "alice"},
            {"role": "assistant", "content": null, "refusal": null},
            {"role": "assistant", "content": [{"type": "text", "text": "Hello."}]},
            {"role": "user", "content": [{"type": "text", "text": "Again"}]}
          ],
          "max_tokens": 16, "max_completion_tokens": 32, "temperature": 0.7, "top_p": 0.9, "n": 2,
          "stop": ["\n\n", "END"], "seed": 1234567890123, "presence_penalty": -0.5, "frequency_penalty": 1.5,
          "logprobs": true, "top_logprobs": 3, "stream": true, "stream_options": {"include_usage": true},
          "user": "user-1", "store": false, "metadata": {"team": "vision"},
          "top_k": 40, "min_p": 0.05, "repetition_penalty": 1.1
        }
        """;

    [Theory]
    [InlineData(StringContent)]
    [InlineData(ImageDataUrl)]
    [InlineData(EverySupportedField)]
    public void Documented_requests_serialise_back_to_the_same_json(string json)
    {
        var request = Parse.Request(json);

        var written = JsonSerializer.Serialize(request, ContractsJsonContext.Default.ChatCompletionRequest);

        // Explicit nulls mean "absent" in OpenAI's API, and absent is how they are written back.
        Assert.True(JsonNode.DeepEquals(WithoutNulls(JsonNode.Parse(json)), JsonNode.Parse(written)), written);
    }

    private static JsonNode? WithoutNulls(JsonNode? node)
    {
        if (node is JsonObject obj)
            foreach (var (name, value) in obj.ToList())
                if (value is null) obj.Remove(name);
                else WithoutNulls(value);
        if (node is JsonArray array)
            foreach (var item in array)
                WithoutNulls(item);
        return node;
    }

    [Fact]
    public void Every_supported_field_binds_to_its_property()
    {
        var request = Parse.Request(EverySupportedField);

        Assert.Equal("florence-vl-3b", request.Model);
        Assert.Equal(5, request.Messages!.Count);
        Assert.Equal((16, 32, 32), (request.MaxTokens, request.MaxCompletionTokens, request.RequestedMaxTokens));
        Assert.Equal((0.7, 0.9, 2), (request.Temperature, request.TopP, request.N));
        Assert.Equal(["\n\n", "END"], request.Stop!.Values);
        Assert.Equal(1234567890123L, request.Seed);
        Assert.Equal((-0.5, 1.5), (request.PresencePenalty, request.FrequencyPenalty));
        Assert.Equal((true, 3), (request.Logprobs, request.TopLogprobs));
        Assert.True(request.IsStreaming);
        Assert.True(request.StreamOptions!.IncludeUsage);
        Assert.Equal(("user-1", false, "vision"), (request.User, request.Store, request.Metadata!["team"]));
        Assert.Equal((40, 0.05, 1.1), (request.TopK, request.MinP, request.RepetitionPenalty));
        Assert.Null(request.UnrecognizedFields);
        Assert.Null(request.Messages[2].Content);
        Assert.Equal("alice", request.Messages[1].Name);
    }

    [Fact]
    public void String_content_binds_as_text_and_array_content_as_parts()
    {
        var request = Parse.Request(ImageDataUrl);
        var parts = request.Messages![0].Content!.Parts!;

        Assert.Null(request.Messages[0].Content!.Text);
        Assert.Equal("What's in this image?", Assert.IsType<TextPart>(parts[0]).Text);
        var image = Assert.IsType<ImageUrlPart>(parts[1]).ImageUrl!;
        Assert.Equal(("data:image/png;base64,iVBORw0KGgo=", "high"), (image.Url, image.Detail));
        Assert.Equal("Hello!", Parse.Request(StringContent).Messages![1].Content!.Text);
    }

    [Fact]
    public void Part_type_is_recognised_when_it_is_not_the_first_property()
    {
        var request = Parse.Request("""
            {"model":"m","messages":[{"role":"user","content":[
              {"text":"Describe","type":"text"},
              {"image_url":{"detail":"low","url":"https://example.com/cat.png"},"type":"image_url"}]}]}
            """);
        var parts = request.Messages![0].Content!.Parts!;

        Assert.Equal("Describe", Assert.IsType<TextPart>(parts[0]).Text);
        Assert.Equal("https://example.com/cat.png", Assert.IsType<ImageUrlPart>(parts[1]).ImageUrl!.Url);
    }

    [Fact]
    public void Stop_as_a_string_stays_a_string_and_as_an_array_stays_an_array()
    {
        var single = Parse.Request("""{"model":"m","messages":[],"stop":"###"}""");
        var many = Parse.Request("""{"model":"m","messages":[],"stop":["###"]}""");

        Assert.Equal(["###"], single.Stop!.Values);
        Assert.Equal(["###"], many.Stop!.Values);
        Assert.Contains("\"stop\":\"###\"", JsonSerializer.Serialize(single, ContractsJsonContext.Default.ChatCompletionRequest));
        Assert.Contains("\"stop\":[\"###\"]", JsonSerializer.Serialize(many, ContractsJsonContext.Default.ChatCompletionRequest));
    }

    [Fact]
    public void Unknown_fields_are_kept_rather_than_dropped()
    {
        var request = Parse.Request("""{"model":"m","messages":[{"role":"user","content":"x","foo":1}],"functions":[{"name":"f"}]}""");

        Assert.Equal(["functions"], request.UnrecognizedFields!.Keys);
        Assert.Equal(["foo"], request.Messages![0].UnrecognizedFields!.Keys);
    }
}
