using System.Text;
using System.Text.Json;
using FlorenceVL.Api.Tests.Infrastructure;
using OpenAI.Chat;

namespace FlorenceVL.Api.Tests.StructuredOutputs;

/// <summary>
/// The official OpenAI .NET SDK's structured outputs and tools against the real server and engine on the random-weight
/// test model at temperature 1: whatever the model wants, a finished answer follows the schema or is a valid call.
/// </summary>
public sealed class OpenAISdkStructuredOutputTests(LongContextFactory factory) : IClassFixture<LongContextFactory>
{
    private const string ShapeSchema = """
        {"type":"object","properties":{
          "count":{"type":"integer"},
          "kind":{"type":"string","enum":["circle","square","triangle"]},
          "filled":{"type":"boolean"},
          "tags":{"type":"array","items":{"type":"string","enum":["red","blue"]},"maxItems":3}},
         "required":["count","kind","filled","tags"],"additionalProperties":false}
        """;

    private const string WeatherParameters = """
        {"type":"object","properties":{"city":{"type":"string","enum":["Paris","Oslo","Lima"]},"days":{"type":"integer"}},
         "required":["city","days"],"additionalProperties":false}
        """;

    private const string TimeParameters = """
        {"type":"object","properties":{"zone":{"type":"string","enum":["UTC","CET"]}},"required":["zone"],"additionalProperties":false}
        """;

    private static readonly ChatTool Weather = ChatTool.CreateFunctionTool("get_weather", "Weather forecast", BinaryData.FromString(WeatherParameters));
    private static readonly ChatTool Time = ChatTool.CreateFunctionTool("get_time", "Current time", BinaryData.FromString(TimeParameters));

    private static ChatCompletionOptions Options(int seed, int maxTokens = 128) => new()
    {
        Temperature = 1,
        MaxOutputTokenCount = maxTokens,
#pragma warning disable OPENAI001
        Seed = seed,
#pragma warning restore OPENAI001
    };

    [Fact]
    public async Task A_json_schema_answer_validates_against_its_schema()
    {
        var chat = OpenAIClients.Chat(await factory.ReadyClientAsync());
        for (var seed = 1; seed <= 4; seed++)
        {
            var options = Options(seed);
            options.ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("shape", BinaryData.FromString(ShapeSchema), jsonSchemaIsStrict: true);

            ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Describe a shape.")], options);

            Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
            SchemaAssert.Valid(ShapeSchema, completion.Content[0].Text);
        }
    }

    [Fact]
    public async Task A_streamed_json_schema_answer_validates_once_joined()
    {
        var chat = OpenAIClients.Chat(await factory.ReadyClientAsync());
        var options = Options(7);
        options.ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("shape", BinaryData.FromString(ShapeSchema));
        var text = new StringBuilder();
        ChatFinishReason? finish = null;

        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Describe a shape.")], options))
        {
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
            finish ??= update.FinishReason;
        }

        Assert.Equal(ChatFinishReason.Stop, finish);
        SchemaAssert.Valid(ShapeSchema, text.ToString());
    }

    [Fact]
    public async Task Json_object_mode_answers_one_json_object()
    {
        var chat = OpenAIClients.Chat(await factory.ReadyClientAsync());
        var options = Options(3, maxTokens: 160);
        options.ResponseFormat = ChatResponseFormat.CreateJsonObjectFormat();

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Answer in JSON.")], options);

        if (completion.FinishReason == ChatFinishReason.Stop)
            Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(completion.Content[0].Text).RootElement.ValueKind);
        else
            Assert.StartsWith("{", completion.Content[0].Text.TrimStart());
    }

    [Fact]
    public async Task A_named_tool_choice_returns_a_valid_call_of_that_function()
    {
        var chat = OpenAIClients.Chat(await factory.ReadyClientAsync());
        var options = Options(5);
        options.Tools.Add(Weather);
        options.Tools.Add(Time);
        options.ToolChoice = ChatToolChoice.CreateFunctionChoice("get_weather");

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Weather?")], options);

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.StartsWith("call_", call.Id);
        SchemaAssert.Valid(WeatherParameters, call.FunctionArguments.ToString());
    }

    [Fact]
    public async Task A_required_tool_choice_returns_valid_calls_of_the_offered_functions()
    {
        var chat = OpenAIClients.Chat(await factory.ReadyClientAsync());
        for (var seed = 1; seed <= 3; seed++)
        {
            var options = Options(seed);
            options.Tools.Add(Weather);
            options.Tools.Add(Time);
            options.ToolChoice = ChatToolChoice.CreateRequiredChoice();
            // One call each: a random model given the choice keeps adding calls until max_tokens cuts the array.
            options.AllowParallelToolCalls = false;

            ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Weather and time?")], options);

            Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
            Assert.Single(completion.ToolCalls);
            Assert.Equal(completion.ToolCalls.Count, completion.ToolCalls.Select(c => c.Id).Distinct().Count());
            foreach (var call in completion.ToolCalls)
                SchemaAssert.Valid(call.FunctionName == "get_weather" ? WeatherParameters : TimeParameters, call.FunctionArguments.ToString());
        }
    }

    [Fact]
    public async Task Streamed_tool_calls_arrive_in_OpenAI_chunks_the_SDK_assembles()
    {
        var chat = OpenAIClients.Chat(await factory.ReadyClientAsync());
        foreach (var choice in new[] { ChatToolChoice.CreateFunctionChoice("get_time"), ChatToolChoice.CreateRequiredChoice() })
        {
            var options = Options(11);
            options.Tools.Add(Weather);
            options.Tools.Add(Time);
            options.ToolChoice = choice;
            var names = new Dictionary<int, string>();
            var arguments = new Dictionary<int, StringBuilder>();
            ChatFinishReason? finish = null;

            await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("What time is it?")], options))
            {
                foreach (var piece in update.ToolCallUpdates)
                {
                    if (piece.FunctionName is { } name) names[piece.Index] = name;
                    if (!arguments.TryGetValue(piece.Index, out var text)) arguments[piece.Index] = text = new StringBuilder();
                    text.Append(piece.FunctionArgumentsUpdate?.ToString());
                }
                finish ??= update.FinishReason;
            }

            Assert.Equal(ChatFinishReason.ToolCalls, finish);
            Assert.NotEmpty(names);
            foreach (var (index, name) in names)
                SchemaAssert.Valid(name == "get_weather" ? WeatherParameters : TimeParameters, arguments[index].ToString());
        }
    }

    [Fact]
    public async Task Auto_answers_either_in_text_or_with_valid_calls()
    {
        var chat = OpenAIClients.Chat(await factory.ReadyClientAsync());
        for (var seed = 1; seed <= 4; seed++)
        {
            var options = Options(seed);
            options.Tools.Add(Weather);

            ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Hello")], options);

            if (completion.FinishReason == ChatFinishReason.ToolCalls)
                Assert.All(completion.ToolCalls, call => SchemaAssert.Valid(WeatherParameters, call.FunctionArguments.ToString()));
            else
                Assert.False(completion.Content.Count > 0 && completion.Content[0].Text.TrimStart().StartsWith('['),
                    $"an answer that opens a call must finish as one: {completion.Content[0].Text}");
        }
    }

    [Fact]
    public async Task A_conversation_with_a_call_and_its_result_is_answered()
    {
        var chat = OpenAIClients.Chat(await factory.ReadyClientAsync());
        var options = Options(2);
        options.Tools.Add(Weather);
        options.ToolChoice = ChatToolChoice.CreateNoneChoice();
        var call = ChatToolCall.CreateFunctionToolCall("call_abc123", "get_weather", BinaryData.FromString("""{"city":"Oslo","days":1}"""));

        ChatCompletion completion = await chat.CompleteChatAsync([
            new UserChatMessage("Weather in Oslo?"),
            new AssistantChatMessage([call]),
            new ToolChatMessage("call_abc123", """{"forecast":"snow"}"""),
        ], options);

        Assert.Empty(completion.ToolCalls);
        Assert.Contains(completion.FinishReason, new[] { ChatFinishReason.Stop, ChatFinishReason.Length });
    }
}
