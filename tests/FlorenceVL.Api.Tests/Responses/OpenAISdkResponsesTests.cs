using System.Text;
using System.Text.Json;
using FlorenceVL.Api.Tests.Infrastructure;
using FlorenceVL.Api.Tests.StructuredOutputs;
using OpenAI.Responses;

#pragma warning disable OPENAI001 // the SDK's Responses client is experimental

namespace FlorenceVL.Api.Tests.Responses;

/// <summary>
/// The official OpenAI .NET SDK's Responses client against the real server and engine on the random-weight test
/// model (with room for tool definitions). Greedy decoding and bounded schemas, so every answer finishes.
/// </summary>
public sealed class OpenAISdkResponsesTests(LongContextFactory factory) : IClassFixture<LongContextFactory>
{
    private const string ShapeSchema = """
        {"type":"object","properties":{"kind":{"type":"string","enum":["circle","square","triangle"]},"filled":{"type":"boolean"}},
         "required":["kind","filled"],"additionalProperties":false}
        """;

    private const string WeatherParameters = """
        {"type":"object","properties":{"city":{"type":"string","enum":["Paris","Oslo","Lima"]},"unit":{"type":"string","enum":["C","F"]}},
         "required":["city","unit"],"additionalProperties":false}
        """;

    private static readonly ResponseTool Weather =
        ResponseTool.CreateFunctionTool("get_weather", BinaryData.FromString(WeatherParameters), strictModeEnabled: true, "Weather forecast");

    private async Task<ResponsesClient> ClientAsync() => OpenAIClients.Client(await factory.ReadyClientAsync()).GetResponsesClient();

    private static CreateResponseOptions Options(int maxTokens, params ResponseItem[] items) =>
        new(ApiFactory.Model, items) { MaxOutputTokenCount = maxTokens, Temperature = 0 };

    private static CreateResponseOptions Streaming(CreateResponseOptions options)
    {
        options.StreamingEnabled = true;
        return options;
    }

    [Fact]
    public async Task A_text_input_gets_a_message_with_output_text_and_usage()
    {
        var client = await ClientAsync();
        var options = Options(6, ResponseItem.CreateUserMessageItem("Say hello."));
        options.Instructions = "You are terse.";

        ResponseResult response = await client.CreateResponseAsync(options);

        Assert.StartsWith("resp_", response.Id);
        Assert.Equal(ApiFactory.Model, response.Model);
        Assert.Contains(response.Status, new ResponseStatus?[] { ResponseStatus.Completed, ResponseStatus.Incomplete });
        var message = Assert.IsAssignableFrom<MessageResponseItem>(Assert.Single(response.OutputItems));
        Assert.StartsWith("msg_", message.Id);
        Assert.Equal(message.Content[0].Text, response.GetOutputText());
        Assert.InRange(response.Usage.OutputTokenCount, 1, 6);
        Assert.Equal(response.Usage.InputTokenCount + response.Usage.OutputTokenCount, response.Usage.TotalTokenCount);
        if (response.Status == ResponseStatus.Incomplete)
            Assert.Equal(ResponseIncompleteStatusReason.MaxOutputTokens, response.IncompleteStatusDetails.Reason);
        Assert.Equal(6, response.MaxOutputTokenCount);
    }

    [Fact]
    public async Task An_image_input_counts_its_25_image_tokens()
    {
        var client = await ClientAsync();
        var text = await client.CreateResponseAsync(Options(2, ResponseItem.CreateUserMessageItem("Describe.")));
        var withImage = await client.CreateResponseAsync(Options(2, ResponseItem.CreateUserMessageItem([
            ResponseContentPart.CreateInputTextPart("Describe."),
            ResponseContentPart.CreateInputImagePart(new BinaryData(TestImages.Png(4), "image/png"), ResponseImageDetailLevel.Auto),
        ])));

        Assert.True(withImage.Value.Usage.InputTokenCount >= text.Value.Usage.InputTokenCount + 25,
            $"{withImage.Value.Usage.InputTokenCount} input tokens with the image, {text.Value.Usage.InputTokenCount} without");
        Assert.IsAssignableFrom<MessageResponseItem>(Assert.Single(withImage.Value.OutputItems));
    }

    [Fact]
    public async Task Streamed_output_text_deltas_join_into_the_final_text()
    {
        var client = await ClientAsync();
        var deltas = new StringBuilder();
        var sequence = new List<int>();
        ResponseResult? final = null;

        await foreach (var update in await client.CreateResponseStreamingAsync(Streaming(Options(12, ResponseItem.CreateUserMessageItem("Tell a story.")))))
        {
            sequence.Add(update.SequenceNumber);
            if (update is StreamingResponseOutputTextDeltaUpdate delta) deltas.Append(delta.Delta);
            if (update is StreamingResponseCompletedUpdate completed) final = completed.Response;
            if (update is StreamingResponseIncompleteUpdate incomplete) final = incomplete.Response;
        }

        Assert.NotNull(final);
        Assert.Equal(Enumerable.Range(0, sequence.Count), sequence);
        Assert.True(deltas.Length > 0);
        Assert.Equal(deltas.ToString(), final.GetOutputText());
        Assert.InRange(final.Usage.OutputTokenCount, 1, 12);
    }

    [Fact]
    public async Task A_json_schema_text_format_answer_validates_against_its_schema()
    {
        var client = await ClientAsync();
        var options = Options(64, ResponseItem.CreateUserMessageItem("Describe a shape."));
        options.TextOptions = new ResponseTextOptions
        {
            TextFormat = ResponseTextFormat.CreateJsonSchemaFormat("shape", BinaryData.FromString(ShapeSchema), jsonSchemaIsStrict: true),
        };

        ResponseResult response = await client.CreateResponseAsync(options);

        Assert.Equal(ResponseStatus.Completed, response.Status);
        SchemaAssert.Valid(ShapeSchema, response.GetOutputText());
    }

    [Fact]
    public async Task A_required_function_tool_returns_a_function_call_with_valid_arguments()
    {
        var client = await ClientAsync();
        var options = Options(200, ResponseItem.CreateUserMessageItem("Weather in Oslo?"));
        options.Tools.Add(Weather);
        options.ToolChoice = ResponseToolChoice.CreateRequiredChoice();
        options.ParallelToolCallsEnabled = false;

        ResponseResult response = await client.CreateResponseAsync(options);

        Assert.Equal(ResponseStatus.Completed, response.Status);
        var call = Assert.IsAssignableFrom<FunctionCallResponseItem>(Assert.Single(response.OutputItems));
        Assert.Equal("get_weather", call.FunctionName);
        Assert.StartsWith("fc_", call.Id);
        Assert.StartsWith("call_", call.CallId);
        SchemaAssert.Valid(WeatherParameters, call.FunctionArguments.ToString());
    }

    [Fact]
    public async Task A_streamed_named_function_call_arrives_as_argument_deltas()
    {
        var client = await ClientAsync();
        var options = Options(64, ResponseItem.CreateUserMessageItem("Weather?"));
        options.Tools.Add(Weather);
        options.ToolChoice = ResponseToolChoice.CreateFunctionChoice("get_weather");
        var arguments = new StringBuilder();
        ResponseResult? final = null;

        await foreach (var update in await client.CreateResponseStreamingAsync(Streaming(options)))
        {
            if (update is StreamingResponseFunctionCallArgumentsDeltaUpdate delta) arguments.Append(delta.Delta);
            if (update is StreamingResponseCompletedUpdate completed) final = completed.Response;
        }

        Assert.NotNull(final);
        var call = Assert.IsAssignableFrom<FunctionCallResponseItem>(Assert.Single(final.OutputItems));
        Assert.Equal(arguments.ToString(), call.FunctionArguments.ToString());
        SchemaAssert.Valid(WeatherParameters, arguments.ToString());
    }

    [Fact]
    public async Task A_function_call_output_round_trip_answers_with_a_message()
    {
        var client = await ClientAsync();
        var question = ResponseItem.CreateUserMessageItem("Weather in Paris?");
        var first = Options(64, question);
        first.Tools.Add(Weather);
        first.ToolChoice = ResponseToolChoice.CreateFunctionChoice("get_weather");
        var call = Assert.IsAssignableFrom<FunctionCallResponseItem>(Assert.Single((await client.CreateResponseAsync(first)).Value.OutputItems));

        // Stateless: the whole conversation goes back, the call item and its output included.
        var second = Options(8, question, call, ResponseItem.CreateFunctionCallOutputItem(call.CallId, """{"temperature":12}"""));
        second.Tools.Add(Weather);
        second.ToolChoice = ResponseToolChoice.CreateNoneChoice();
        ResponseResult answer = await client.CreateResponseAsync(second);

        var message = Assert.IsAssignableFrom<MessageResponseItem>(Assert.Single(answer.OutputItems));
        Assert.Equal(message.Content[0].Text, answer.GetOutputText());
        Assert.True(answer.Usage.InputTokenCount > 0);
    }
}
