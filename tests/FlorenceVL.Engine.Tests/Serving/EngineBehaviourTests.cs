using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Processing.Images;
using FlorenceVL.Engine.Processing.Text;
using FlorenceVL.Engine.Serving;

namespace FlorenceVL.Engine.Tests.Serving;

public class EngineBehaviourTests : IClassFixture<EngineBehaviourTests.SharedEngine>
{
    public sealed class SharedEngine : IDisposable
    {
        public InferenceEngine Engine { get; } = InferenceEngine.Start(TestModel.Options());
        public void Dispose() => Engine.Dispose();
    }

    private readonly InferenceEngine _engine;
    public EngineBehaviourTests(SharedEngine shared) => _engine = shared.Engine;

    private static SamplingParams Greedy(int maxTokens) => new() { Temperature = 0, MaxTokens = maxTokens, IgnoreEos = true };

    [Fact]
    public async Task Max_tokens_ends_a_choice_with_length()
    {
        var result = await EngineDriver.RunAsync(_engine, EngineDriver.Request("Hi", [], Greedy(5)));
        Assert.Equal(FinishReason.Length, result.Reasons[0]);
    }

    [Fact]
    public async Task A_stop_string_spanning_tokens_ends_the_choice_and_is_never_emitted()
    {
        var full = (await EngineDriver.RunAsync(_engine, EngineDriver.Request("Tell me", [], Greedy(12)))).Texts[0];
        Assert.True(full.Length >= 6, $"need some text to cut: '{full}'");
        var stop = full.Substring(3, 3); // three characters that almost surely cross a token boundary

        var cut = await EngineDriver.RunAsync(_engine, EngineDriver.Request("Tell me", [], Greedy(12) with { StopStrings = [stop] }));

        Assert.Equal(FinishReason.Stop, cut.Reasons[0]);
        Assert.Equal(full[..full.IndexOf(stop, StringComparison.Ordinal)], cut.Texts[0]);
        Assert.DoesNotContain(stop, string.Concat(cut.Deltas.Select(d => d.Text)));
    }

    [Fact]
    public async Task A_seed_reproduces_sampled_text_and_choices_differ_from_each_other()
    {
        var sampling = new SamplingParams { Temperature = 1.0f, MaxTokens = 10, Seed = 1234, N = 3, IgnoreEos = true };
        var first = await EngineDriver.RunAsync(_engine, EngineDriver.Request("Say something", [TestModel.Png(3)], sampling));
        var again = await EngineDriver.RunAsync(_engine, EngineDriver.Request("Say something", [TestModel.Png(3)], sampling));

        Assert.Equal(first.Texts, again.Texts);
        Assert.True(first.Texts.Distinct().Count() > 1, "three sampled choices should not all be equal");
    }

    [Fact]
    public async Task Logprobs_come_with_every_generated_token()
    {
        var result = await EngineDriver.RunAsync(_engine, EngineDriver.Request("Hi", [], Greedy(6) with { Logprobs = true, TopLogprobs = 3 }));
        var logprobs = result.Deltas.SelectMany(d => d.Logprobs ?? []).ToList();

        Assert.Equal(6, logprobs.Count);
        Assert.All(logprobs, lp =>
        {
            Assert.Equal(3, lp.TopLogprobs.Count);
            Assert.True(lp.Logprob <= 0);
            Assert.Equal(lp.TopLogprobs[0].Logprob, lp.Logprob, 4); // greedy picks the most likely token
        });
    }

    [Fact]
    public async Task Prompt_usage_counts_the_visual_tokens()
    {
        var text = await EngineDriver.RunAsync(_engine, EngineDriver.Request("Hi", [], Greedy(1)));
        var image = await EngineDriver.RunAsync(_engine, EngineDriver.Request("Hi", [TestModel.Png(5)], Greedy(1)));
        Assert.True(image.PromptTokens - text.PromptTokens >= _engine.Model.NumVisualTokensPerImage);
    }

    [Theory]
    [InlineData(-1f, 1f, RequestField.Temperature)]
    [InlineData(1f, 0f, RequestField.TopP)]
    [InlineData(1f, 1.5f, RequestField.TopP)]
    public async Task Impossible_sampling_settings_are_refused_naming_the_field(float temperature, float topP, RequestField field)
    {
        var request = EngineDriver.Request("Hi", [], new SamplingParams { Temperature = temperature, TopP = topP });
        var error = await Assert.ThrowsAsync<InvalidRequestException>(() => _engine.StartAsync(request, default).AsTask());
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public async Task A_prompt_plus_max_tokens_beyond_the_context_is_refused_before_scheduling()
    {
        var request = EngineDriver.Request("Hi", [], new SamplingParams { MaxTokens = _engine.Model.MaxModelLen });
        var error = await Assert.ThrowsAsync<InvalidRequestException>(() => _engine.StartAsync(request, default).AsTask());
        Assert.Equal(RequestErrorKind.ContextLengthExceeded, error.Kind);
    }

    [Fact]
    public async Task Undecodable_image_bytes_are_a_typed_image_error()
    {
        var request = EngineDriver.Request("Hi", ["this is not an image, just some text bytes"u8.ToArray()], Greedy(2));
        var error = await Assert.ThrowsAsync<ImageInputException>(() => _engine.StartAsync(request, default).AsTask());
        Assert.Contains(error.WireCode, new[] { "undecodable", "unsupported_format" });
    }

    [Fact]
    public async Task Disposing_a_generation_mid_stream_aborts_it_and_frees_its_blocks()
    {
        var request = EngineDriver.Request("Talk", [TestModel.Png(9)], Greedy(200) with { MaxTokens = 150 });
        var generation = await _engine.StartAsync(request, default);
        await foreach (var e in generation.ReadAllAsync(default))
            if (e is TextDelta) break; // the client goes away after the first text
        await generation.DisposeAsync();

        await EngineDriver.EventuallyAsync(() => _engine.Metrics.Scheduler is { NumRunning: 0, NumWaiting: 0, NumUsedBlocks: 0 },
            "the aborted sequence is gone and its blocks are free");
    }
}
