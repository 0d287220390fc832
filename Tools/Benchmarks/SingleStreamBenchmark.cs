using FlorenceVL.Engine.Serving;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Benchmarks;

/// <summary>
/// `bench single`: one request at a time, as a person running the server on a laptop feels it. A ~128-token prompt
/// and 384 new tokens (greedy, ignore_eos), so decode runs at contexts 128-512, streamed through the engine as the API
/// streams it. Reports the decode rate (tokens after the first over the time after the first), the end-to-end rate,
/// the engine step against the bare forward at batch 1, and how close the decode is to this machine's limit: bytes of
/// weights read per token over the streaming read bandwidth measured here (<see cref="MemoryBandwidth"/>).
/// </summary>
internal static class SingleStreamBenchmark
{
    private const int PromptTokens = 128;
    private const int NewTokens = 384;

    /// <summary>
    /// Full-length requests before the measured ones. The JIT keeps promoting the decode path's methods (tier 0,
    /// instrumented, tier 1, on-stack replacement of the helpers' loops) over the first ~1,000 tokens: with one warm-up
    /// request the first measured round ran at 60% of the fourth. A server reaches steady state within seconds.
    /// </summary>
    private const int WarmUpRequests = 3;

    /// <summary>Measured requests at least (more with --repeats).</summary>
    private const int MinRounds = 5;

    public static async Task<IReadOnlyList<BenchFigure>> RunAsync(BenchSettings settings)
    {
        var output = settings.Output;
        var dtype = settings.DTypeName;
        double bytesPerToken;
        var decodeRates = new List<double>();
        var endToEndRates = new List<double>();
        using (var engine = InferenceEngine.Start(BenchPreset.Create(settings), BenchPreset.EngineOptions()))
        {
            bytesPerToken = WeightBytesPerToken(engine.Loaded);
            // Warm-up at full length: JIT tiering, first touches of the cache's pages (llama-bench warms up too).
            for (var warmUp = 0; warmUp < WarmUpRequests; warmUp++)
                await FacadeClient.RunAsync(engine, BenchRequests.Text(engine.Loaded, PromptTokens, NewTokens, seed: 1000 + warmUp));
            for (var round = 0; round < Math.Max(MinRounds, settings.Repeats); round++)
            {
                var timing = await FacadeClient.RunAsync(engine, BenchRequests.Text(engine.Loaded, PromptTokens, NewTokens, seed: round + 1));
                if (timing.CompletionTokens != NewTokens)
                    throw new InvalidOperationException($"expected {NewTokens} tokens, got {timing.CompletionTokens}.");
                decodeRates.Add((timing.CompletionTokens - 1) / (timing.TotalSeconds - timing.FirstEventSeconds));
                endToEndRates.Add(timing.CompletionTokens / timing.TotalSeconds);
                output.WriteLine($"  round {round + 1}: decode {decodeRates[^1],6:F1} tok/s, end to end {endToEndRates[^1],6:F1} tok/s, " +
                                 $"first token {timing.FirstEventSeconds:F3} s");
            }
        }

        var (engineSteps, bareSteps) = StepOverheadBenchmark.Measure(settings, batch: 1);
        var (engineStep, bareStep) = (BenchStats.Median(engineSteps), BenchStats.Median(bareSteps));
        output.WriteLine($"  batch-1 engine step median {engineStep:F2} ms, bare forward + logits + argmax median {bareStep:F2} ms");

        var threads = get_num_threads();
        var bandwidthOne = MemoryBandwidth.MeasureGBps(1);
        var bandwidthAll = threads > 1 ? MemoryBandwidth.MeasureGBps(threads) : bandwidthOne;
        var limit = bandwidthAll * 1e9 / bytesPerToken;
        var decode = BenchStats.Median(decodeRates);
        output.WriteLine($"  weights read per token {bytesPerToken / 1e6:F1} MB; streaming read {bandwidthOne:F1} GB/s on 1 thread, " +
                         $"{bandwidthAll:F1} GB/s on {threads}: limit {limit:F0} tok/s, decode at {decode / limit:P0} of it");
        return
        [
            new("single", $"1 stream: decode tok/s, context {PromptTokens}-{PromptTokens + NewTokens} (median, {dtype}, {threads} threads)", decode, "tok/s",
                "llama.cpp peer, same weights: llama-server 1 stream, llama-bench tg128"),
            new("single", $"1 stream: end-to-end tok/s incl. prefill ({dtype})", BenchStats.Median(endToEndRates), "tok/s"),
            new("single", $"batch-1 engine step, median ({dtype})", engineStep, "ms"),
            new("single", $"batch-1 bare forward + logits + argmax, median ({dtype})", bareStep, "ms"),
            new("single", "weights read per token", bytesPerToken / 1e6, "MB"),
            new("single", "streaming read bandwidth, 1 thread", bandwidthOne, "GB/s"),
            new("single", $"streaming read bandwidth, {threads} threads", bandwidthAll, "GB/s"),
            new("single", $"machine limit: bandwidth / weight bytes per token ({threads} threads)", limit, "tok/s"),
            new("single", "decode as a share of the machine limit", 100 * decode / limit, "% of limit"),
        ];
    }

    /// <summary>Every decoder weight but the embedding table (a token reads one of its rows), in the model's dtype.</summary>
    private static double WeightBytesPerToken(LoadedModel loaded)
    {
        var decoder = loaded.Model.LanguageModel;
        var elementBytes = loaded.Model.Placement.DType == ScalarType.BFloat16 ? 2 : 4;
        var embedding = decoder.named_parameters().Where(p => p.name.EndsWith("embed_tokens.weight")).Sum(p => p.parameter.numel());
        return (BenchPreset.DecoderParameters(loaded) - embedding) * (double)elementBytes;
    }
}
