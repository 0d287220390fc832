using System.ComponentModel;
using FlorenceVL.Api.Tests.Infrastructure;
using Microsoft.Extensions.AI;

namespace FlorenceVL.Api.Tests.StructuredOutputs;

/// <summary>
/// Microsoft.Extensions.AI over the OpenAI SDK, as .NET apps use it: GetResponseAsync&lt;T&gt; sends the record's JSON
/// schema and deserialises the answer; UseFunctionInvocation runs a whole call, result, answer round.
/// </summary>
public sealed class ExtensionsAITests(LongContextFactory factory) : IClassFixture<LongContextFactory>
{
    public sealed record ShapeReport(int Count, bool Filled, bool Symmetric);

    private static ChatOptions Options(int seed) => new() { Temperature = 1, MaxOutputTokens = 128, Seed = seed };

    private async Task<IChatClient> ClientAsync() =>
        OpenAIClients.Chat(await factory.ReadyClientAsync()).AsIChatClient();

    [Fact]
    public async Task GetResponseAsync_of_a_record_deserialises_the_constrained_answer()
    {
        var client = await ClientAsync();
        for (var seed = 1; seed <= 3; seed++)
        {
            var response = await client.GetResponseAsync<ShapeReport>("Report on the shape.", Options(seed));

            Assert.True(response.TryGetResult(out var report), $"not a ShapeReport: {response.Text}");
            Assert.NotNull(report);
            Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        }
    }

    [Fact]
    public async Task UseFunctionInvocation_completes_a_call_result_answer_round()
    {
        var calls = new List<int>();
        [Description("Forecast for the next few days")]
        string Forecast([Description("How many days ahead")] int days)
        {
            calls.Add(days);
            return $"Sunny for {days} days.";
        }
        var client = new ChatClientBuilder(await ClientAsync()).UseFunctionInvocation().Build();
        var options = Options(4);
        options.Tools = [AIFunctionFactory.Create(Forecast, "forecast")];
        // Required for the first turn (the function invoker then lets the model answer freely).
        options.ToolMode = ChatToolMode.RequireSpecific("forecast");

        var response = await client.GetResponseAsync("What is the weather?", options);

        Assert.NotEmpty(calls);
        var call = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().First();
        Assert.Equal("forecast", call.Name);
        Assert.StartsWith("call_", call.CallId);
        var result = response.Messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>().First();
        Assert.Equal(call.CallId, result.CallId);
        Assert.Equal(ChatRole.Assistant, response.Messages[^1].Role);
        Assert.Contains(response.FinishReason, new ChatFinishReason?[] { ChatFinishReason.Stop, ChatFinishReason.Length });
    }
}
