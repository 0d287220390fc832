using System.Text.Json;
using FlorenceVL.Contracts.Chat;
using FlorenceVL.Contracts.Models;

namespace FlorenceVL.Contracts.Tests.Chat;

/// <summary>Our serialised responses against the examples in OpenAI's API reference, field by field.</summary>
public class ResponseShapeTests
{
    private static readonly string[] UsageAdditions =
    [
        "usage.prompt_tokens_details.audio_tokens", "usage.prompt_tokens_details.image_tokens",
        "usage.completion_tokens_details.audio_tokens",
    ];

    [Fact]
    public void Chat_completion_matches_the_documented_object()
    {
        const string documented = """
            {
              "id": "chatcmpl-123456",
              "object": "chat.completion",
              "created": 1728933352,
              "model": "gpt-4o-2024-08-06",
              "choices": [
                {
                  "index": 0,
                  "message": {"role": "assistant", "content": "Hi there! How can I assist you today?", "refusal": null},
                  "logprobs": null,
                  "finish_reason": "stop"
                }
              ],
              "usage": {
                "prompt_tokens": 19,
                "completion_tokens": 10,
                "total_tokens": 29,
                "prompt_tokens_details": {"cached_tokens": 0},
                "completion_tokens_details": {"reasoning_tokens": 0, "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0}
              },
              "system_fingerprint": "fp_6b68a8204b"
            }
            """;
        var response = new ChatCompletionResponse
        {
            Id = "chatcmpl-123456",
            Created = 1728933352,
            Model = "gpt-4o-2024-08-06",
            SystemFingerprint = "fp_6b68a8204b",
            Choices = [new ChatChoice
            {
                Index = 0,
                Message = new AssistantMessage { Content = "Hi there! How can I assist you today?" },
                FinishReason = FinishReasons.Stop,
            }],
            Usage = Usage(promptTokens: 19, completionTokens: 10, imageTokens: 0),
        };

        JsonShape.AssertMatches(documented, JsonSerializer.Serialize(response, ContractsJsonContext.Default.ChatCompletionResponse),
            additions: UsageAdditions);
    }

    [Fact]
    public void Logprobs_match_the_documented_object()
    {
        const string documented = """
            {"content": [{"token": "Hello", "logprob": -0.31725305, "bytes": [72, 101, 108, 108, 111],
              "top_logprobs": [{"token": "Hello", "logprob": -0.31725305, "bytes": [72, 101, 108, 108, 111]},
                               {"token": "Hi", "logprob": -1.3190403, "bytes": [72, 105]}]}],
             "refusal": null}
            """;
        var logprobs = new ChoiceLogprobs
        {
            Content = [new TokenLogprob
            {
                Token = "Hello", Logprob = -0.31725305, Bytes = [72, 101, 108, 108, 111],
                TopLogprobs =
                [
                    new TopLogprob { Token = "Hello", Logprob = -0.31725305, Bytes = [72, 101, 108, 108, 111] },
                    new TopLogprob { Token = "Hi", Logprob = -1.3190403, Bytes = [72, 105] },
                ],
            }],
        };
        var response = new ChatCompletionResponse
        {
            Id = "chatcmpl-1", Created = 1, Model = "m",
            Choices = [new ChatChoice { Index = 0, Message = new AssistantMessage { Content = "Hello" }, Logprobs = logprobs, FinishReason = FinishReasons.Length }],
            Usage = Usage(1, 1, null),
        };

        var written = JsonDocument.Parse(JsonSerializer.Serialize(response, ContractsJsonContext.Default.ChatCompletionResponse));
        var choice = written.RootElement.GetProperty("choices")[0];

        JsonShape.AssertMatches(documented, choice.GetProperty("logprobs").GetRawText());
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
    }

    [Fact]
    public void Stream_chunks_match_the_documented_first_and_last_chunks()
    {
        const string documentedFirst = """
            {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","system_fingerprint":"fp_44709d6fcb",
             "choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}
            """;
        const string documentedLast = """
            {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","system_fingerprint":"fp_44709d6fcb",
             "choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}
            """;

        var first = Chunk(new ChunkChoice { Index = 0, Delta = new ChunkDelta { Role = "assistant", Content = "" } });
        var last = Chunk(new ChunkChoice { Index = 0, Delta = new ChunkDelta(), FinishReason = FinishReasons.Stop });

        // OpenAI sends "usage": null on every chunk when include_usage is set; we always send it.
        JsonShape.AssertMatches(documentedFirst, Serialize(first), additions: ["usage"]);
        JsonShape.AssertMatches(documentedLast, Serialize(last), additions: ["usage"]);
        Assert.Contains("\"usage\":null", Serialize(first));
    }

    [Fact]
    public void The_usage_chunk_has_empty_choices_and_the_usage()
    {
        const string documented = """
            {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","system_fingerprint":"fp_44709d6fcb",
             "choices":[],
             "usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21,
                      "prompt_tokens_details":{"cached_tokens":4},
                      "completion_tokens_details":{"reasoning_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}
            """;
        var chunk = Chunk() with { Usage = Usage(promptTokens: 9, completionTokens: 12, imageTokens: 5, cachedTokens: 4) };

        JsonShape.AssertMatches(documented, Serialize(chunk), additions: UsageAdditions);
        Assert.Contains("\"image_tokens\":5", Serialize(chunk));
    }

    [Fact]
    public void Model_list_matches_the_documented_object()
    {
        const string documented = """
            {"object":"list","data":[
              {"id":"model-id-0","object":"model","created":1686935002,"owned_by":"organization-owner"},
              {"id":"model-id-1","object":"model","created":1686935002,"owned_by":"organization-owner"}]}
            """;
        var list = new ModelList
        {
            Data =
            [
                new ModelCard { Id = "model-id-0", Created = 1686935002, OwnedBy = "organization-owner" },
                new ModelCard { Id = "model-id-1", Created = 1686935002, OwnedBy = "organization-owner" },
            ],
        };

        JsonShape.AssertMatches(documented, JsonSerializer.Serialize(list, ContractsJsonContext.Default.ModelList));
    }

    [Fact]
    public void Completion_ids_have_OpenAI_form_and_differ()
    {
        var first = CompletionIds.NewChatCompletionId();
        var second = CompletionIds.NewChatCompletionId();

        Assert.Matches("^chatcmpl-[A-Za-z0-9]{29}$", first);
        Assert.NotEqual(first, second);
    }

    private static ChatCompletionChunk Chunk(params ChunkChoice[] choices) => new()
    {
        Id = "chatcmpl-123", Created = 1694268190, Model = "gpt-4o-mini", SystemFingerprint = "fp_44709d6fcb", Choices = choices,
    };

    private static string Serialize(ChatCompletionChunk chunk) =>
        JsonSerializer.Serialize(chunk, ContractsJsonContext.Default.ChatCompletionChunk);

    private static CompletionUsage Usage(int promptTokens, int completionTokens, int? imageTokens, int cachedTokens = 0) => new()
    {
        PromptTokens = promptTokens,
        CompletionTokens = completionTokens,
        PromptTokensDetails = new PromptTokensDetails { CachedTokens = cachedTokens, ImageTokens = imageTokens },
    };
}
