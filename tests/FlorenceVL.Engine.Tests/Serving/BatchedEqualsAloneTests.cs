using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Serving;

namespace FlorenceVL.Engine.Tests.Serving;

/// <summary>
/// Continuous batching must not change results: 16 greedy requests with different prompts and images, submitted together,
/// produce exactly what each produces alone — also with tiny prefill chunks, with forced preemption, and with prefix hits.
/// </summary>
public class BatchedEqualsAloneTests
{
    private static readonly string[] Questions =
        ["What is this?", "Describe the picture.", "Colour?", "How many shapes are there in the image, exactly?", "Left or right?",
         "Is there a circle?", "Tell me a story about it.", "Where?", "Why is the sky blue today?", "Count.", "Shape?", "Read it.",
         "What is on the top?", "And the bottom?", "Is it big?", "Name the colours please."];

    private static IReadOnlyList<GenerationRequest> Requests(int extraTokens = 0) => Questions.Select((q, i) =>
        EngineDriver.Request(q, i % 3 == 2 ? [] : i % 4 == 0 ? [TestModel.Png(i), TestModel.Png(100 + i)] : [TestModel.Png(i % 5)],
            new SamplingParams { Temperature = 0, MaxTokens = 6 + i % 5 + extraTokens, IgnoreEos = true })).ToList();

    private static async Task<IReadOnlyList<string>> Alone(EngineOptions options)
    {
        using var engine = InferenceEngine.Start(options);
        var texts = new List<string>();
        foreach (var request in Requests()) texts.Add((await EngineDriver.RunAsync(engine, request)).Texts[0]);
        return texts;
    }

    private static async Task<IReadOnlyList<string>> Together(EngineOptions options)
    {
        using var engine = InferenceEngine.Start(options);
        var results = await Task.WhenAll(Requests().Select(r => EngineDriver.RunAsync(engine, r)));
        await EngineDriver.EventuallyAsync(() => engine.Metrics.Scheduler.NumUsedBlocks == 0, "every KV block is free afterwards");
        return results.Select(r => r.Texts[0]).ToList();
    }

    public static TheoryData<string> Settings => new() { "default", "small-chunks", "preemption" };

    private static EngineOptions OptionsFor(string setting) => setting switch
    {
        "small-chunks" => TestModel.Options(o => o with { MaxNumBatchedTokens = 24, LongPrefillTokenThreshold = 7 }),
        // 16 KiB per 16-token block for this model: 20 blocks hold about 4 of the 16 sequences, so they must preempt.
        "preemption" => TestModel.Options(o => o with { KvCacheBytes = 20 * 16 * 1024L, BlockSize = 16 }),
        _ => TestModel.Options(),
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public async Task Sixteen_batched_greedy_requests_match_their_solo_runs(string setting)
    {
        var alone = await Alone(TestModel.Options());
        var together = await Together(OptionsFor(setting));
        Assert.Equal(alone, together);
    }

    [Fact]
    public async Task Preemption_really_happens_under_the_small_kv_budget()
    {
        using var engine = InferenceEngine.Start(OptionsFor("preemption"));
        // Long generations keep all sixteen sequences alive together, whatever the machine's speed.
        await Task.WhenAll(Requests(extraTokens: 80).Select(r => EngineDriver.RunAsync(engine, r)));
        Assert.True(engine.Metrics.Scheduler.NumPreemptions > 0, "expected the small KV budget to force preemption");
    }

    [Fact]
    public async Task A_repeated_image_and_prompt_reuses_cached_tokens_and_gives_the_same_answer()
    {
        using var engine = InferenceEngine.Start(TestModel.Options());
        var request = EngineDriver.Request("What is this?", [TestModel.Png(7)], new SamplingParams { Temperature = 0, MaxTokens = 8, IgnoreEos = true });
        var cold = await EngineDriver.RunAsync(engine, request);
        var warm = await EngineDriver.RunAsync(engine, request);

        Assert.Equal(0, cold.CachedTokens);
        Assert.True(warm.CachedTokens >= engine.Model.NumVisualTokensPerImage, $"cached {warm.CachedTokens} tokens");
        Assert.Equal(cold.Texts, warm.Texts);
    }
}
