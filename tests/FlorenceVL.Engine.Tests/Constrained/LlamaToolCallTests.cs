using FlorenceVL.Engine.Constrained;
using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Processing.Text;
using FlorenceVL.Engine.Serving;
using FlorenceVL.Engine.Tests.Serving;
using FlorenceVL.Engine.Tests.Weights;
using Json.Schema;

namespace FlorenceVL.Engine.Tests.Constrained;

/// <summary>
/// Tool calls on a Llama-3 checkpoint (the 8B layout composed from the reference fixtures, random weights): the
/// template's native format (one {"name", "parameters"} object) is what the call grammar writes and the parser reads.
/// </summary>
public sealed class LlamaToolCallTests : IDisposable
{
    private const string Parameters = """
        {"type":"object","properties":{"city":{"type":"string","enum":["Paris","Oslo"]},"days":{"type":"integer"}},
         "required":["city","days"],"additionalProperties":false}
        """;

    private static readonly ToolSpec Weather = new("get_weather", "Weather forecast", Parameters);

    private readonly TempDirectory _dir = new();

    public LlamaToolCallTests() => LlavaLlamaCheckpoint.Compose(_dir.Path);

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_required_call_is_one_valid_native_llama_call()
    {
        using var engine = InferenceEngine.Start(new EngineOptions { ModelPath = _dir.Path, KvCacheBytes = 8L * 1024 * 1024, WarmUp = false });
        var format = engine.Loaded.Template.ToolCallFormat;
        Assert.Equal((ToolCallShape.SingleObject, "parameters"), (format.Shape, format.ArgumentsKey));
        var grammar = CompiledGrammar.FromJsonSchema(ToolCallSchema.ForCalls([Weather], format, parallel: true));

        for (var seed = 1; seed <= 4; seed++)
        {
            var request = new GenerationRequest([ChatMessage.FromText(ChatRole.User, "Weather?")], [],
                new SamplingParams { Temperature = 1, Seed = seed, MaxTokens = 160 })
            {
                Tools = [Weather],
                Output = new OutputConstraint(grammar),
            };

            var completion = await EngineDriver.RunAsync(engine, request);

            Assert.True(completion.Reasons[0] == FinishReason.Stop, completion.Texts[0]);
            var call = Assert.Single(ToolCallParser.Parse(completion.Texts[0], format) ?? []);
            Assert.Equal("get_weather", call.Name);
            using var arguments = System.Text.Json.JsonDocument.Parse(call.ArgumentsJson);
            Assert.True(JsonSchema.FromText(Parameters).Evaluate(arguments.RootElement).IsValid, call.ArgumentsJson);
        }
        Assert.Equal(0, engine.Metrics.Constraints.EmptyMasks);
        Assert.Equal(0, engine.Metrics.Constraints.RefusedTokens);
    }
}
