using System.Text.Json;
using System.Text.Json.Nodes;
using FlorenceVL.Contracts.Chat;

namespace FlorenceVL.Contracts.Tests.Chat;

/// <summary>Tool calls, tool_choice and response_format on the wire, against examples of OpenAI's API reference.</summary>
public class ToolCallShapeTests
{
    // The function-calling request of OpenAI's API reference, continued with the call and its result.
    private const string ToolConversation = """
        {
          "model": "gpt-4.1",
          "messages": [
            {"role": "user", "content": "What's the weather like in Boston today?"},
            {"role": "assistant", "content": null, "tool_calls": [
              {"id": "call_abc123", "type": "function",
               "function": {"name": "get_current_weather", "arguments": "{\n\"location\": \"Boston, MA\"\n}"}}]},
            {"role": "tool", "tool_call_id": "call_abc123", "content": "{\"temperature\": 22}"}
          ],
          "tools": [
            {
              "type": "function",
              "function": {
                "name": "get_current_weather",
                "description": "Get the current weather in a given location",
                "parameters": {
                  "type": "object",
                  "properties": {
                    "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
                    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}
                  },
                  "required": ["location"]
                }
              }
            }
          ],
          "tool_choice": "auto",
          "parallel_tool_calls": true,
          "response_format": {"type": "json_schema", "json_schema": {"name": "weather", "schema": {"type": "object"}, "strict": true}}
        }
        """;

    [Fact]
    public void A_tool_conversation_binds_and_serialises_back_to_the_same_json()
    {
        var request = Parse.Request(ToolConversation);

        var call = Assert.Single(request.Messages![1].ToolCalls!);
        Assert.Equal(("call_abc123", "function", "get_current_weather"), (call.Id, call.Type, call.Function!.Name));
        Assert.Equal("{\n\"location\": \"Boston, MA\"\n}", call.Function.Arguments);
        Assert.Equal("call_abc123", request.Messages[2].ToolCallId);
        Assert.Equal(JsonValueKind.Object, request.Tools![0].Function!.Parameters!.Value.ValueKind);
        Assert.Equal(("json_schema", "weather", true), (request.ResponseFormat!.Type, request.ResponseFormat.JsonSchema!.Name, request.ResponseFormat.JsonSchema.Strict));
        Assert.Null(request.UnrecognizedFields);

        var written = JsonSerializer.Serialize(request, ContractsJsonContext.Default.ChatCompletionRequest);
        var expected = JsonNode.Parse(ToolConversation)!.AsObject();
        expected["messages"]![1]!.AsObject().Remove("content");
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(written)), written);
    }

    [Fact]
    public void Tool_choice_reads_and_writes_both_forms()
    {
        var mode = Parse.Request("""{"model":"m","messages":[],"tool_choice":"required"}""");
        var named = Parse.Request("""{"model":"m","messages":[],"tool_choice":{"type":"function","function":{"name":"get_weather"}}}""");

        Assert.Equal(("required", false), (mode.ToolChoice!.Mode, mode.ToolChoice.IsNamedFunction));
        Assert.Equal((null, "function", "get_weather", true),
            (named.ToolChoice!.Mode, named.ToolChoice.Type, named.ToolChoice.FunctionName, named.ToolChoice.IsNamedFunction));
        Assert.Contains("\"tool_choice\":\"required\"", JsonSerializer.Serialize(mode, ContractsJsonContext.Default.ChatCompletionRequest));
        Assert.Contains("\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}",
            JsonSerializer.Serialize(named, ContractsJsonContext.Default.ChatCompletionRequest));
    }

    [Fact]
    public void A_tool_calls_answer_matches_the_documented_choice()
    {
        const string documented = """
            {
              "index": 0,
              "message": {
                "role": "assistant",
                "content": null,
                "tool_calls": [
                  {
                    "id": "call_abc123",
                    "type": "function",
                    "function": {"name": "get_current_weather", "arguments": "{\n\"location\": \"Boston, MA\"\n}"}
                  }
                ]
              },
              "logprobs": null,
              "finish_reason": "tool_calls"
            }
            """;
        var choice = new ChatChoice
        {
            Index = 0,
            Message = new AssistantMessage
            {
                Content = null,
                ToolCalls = [new ToolCall
                {
                    Id = "call_abc123",
                    Type = ToolTypes.Function,
                    Function = new FunctionCall { Name = "get_current_weather", Arguments = "{\n\"location\": \"Boston, MA\"\n}" },
                }],
            },
            FinishReason = FinishReasons.ToolCalls,
        };
        var response = new ChatCompletionResponse
        {
            Id = "chatcmpl-abc123", Created = 1699896916, Model = "gpt-4o-mini", Choices = [choice],
            Usage = new CompletionUsage
            {
                PromptTokens = 82, CompletionTokens = 17, PromptTokensDetails = new PromptTokensDetails { CachedTokens = 0 },
            },
        };

        var written = JsonDocument.Parse(JsonSerializer.Serialize(response, ContractsJsonContext.Default.ChatCompletionResponse));

        // OpenAI's current responses carry "refusal": null too; the reference example predates it.
        JsonShape.AssertMatches(documented, written.RootElement.GetProperty("choices")[0].GetRawText(),
            additions: ["message.refusal"]);
    }

    [Fact]
    public void Streamed_tool_call_deltas_match_the_documented_chunks()
    {
        // The first chunk of a call carries its index, id, type, name and empty arguments; later ones carry
        // only the index and a piece of the arguments (the function-calling guide's streaming example).
        const string documentedFirst = """
            {"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[
              {"index":0,"id":"call_DdmO9pD3xa9XTPNJ32zg2hcA","type":"function","function":{"name":"get_weather","arguments":""}}],
              "refusal":null},"logprobs":null,"finish_reason":null}
            """;
        const string documentedNext = """
            {"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"location\":"}}]},"logprobs":null,"finish_reason":null}
            """;
        var first = new ChunkChoice
        {
            Index = 0,
            Delta = new ChunkDelta
            {
                Role = ChatRole.Assistant,
                ToolCalls = [new ToolCallDelta
                {
                    Index = 0, Id = "call_DdmO9pD3xa9XTPNJ32zg2hcA", Type = ToolTypes.Function,
                    Function = new FunctionCallDelta { Name = "get_weather", Arguments = "" },
                }],
            },
        };
        var next = new ChunkChoice
        {
            Index = 0,
            Delta = new ChunkDelta { ToolCalls = [new ToolCallDelta { Index = 0, Function = new FunctionCallDelta { Arguments = "{\"location\":" } }] },
        };

        // Null content and refusal are left out of deltas, which clients read as "nothing new".
        JsonShape.AssertMatches(documentedFirst, ChoiceJson(first), omissions: ["delta.content", "delta.refusal"]);
        JsonShape.AssertMatches(documentedNext, ChoiceJson(next));
    }

    private static string ChoiceJson(ChunkChoice choice)
    {
        var chunk = new ChatCompletionChunk { Id = "chatcmpl-123", Created = 1, Model = "m", Choices = [choice] };
        using var written = JsonDocument.Parse(JsonSerializer.Serialize(chunk, ContractsJsonContext.Default.ChatCompletionChunk));
        return written.RootElement.GetProperty("choices")[0].GetRawText();
    }
}
