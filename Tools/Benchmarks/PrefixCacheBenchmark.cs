using FlorenceVL.Engine.Serving;

namespace FlorenceVL.Engine.Benchmarks;

/// <summary>
/// Scenario "prefix": time to first token of an image + question request seen for the first time (vision tower and
/// the whole ~600-token prefill) against the same request repeated (encoder cache and prefix cache hits: only the last
/// partial block is recomputed), and a follow-up question about the same image. Client-side times through the facade,
/// JPEG preprocessing included (it runs for every request: it yields the image's content hash).
/// </summary>
internal static class PrefixCacheBenchmark
{
    private const int QuestionTokens = 24;
    private const int MinimumRounds = 5;

    public static async Task<IReadOnlyList<BenchFigure>> RunAsync(BenchSettings settings)
    {
        var output = settings.Output;
        using var engine = InferenceEngine.Start(BenchPreset.Create(settings), BenchPreset.EngineOptions());
        GenerationRequest Ask(byte[] image, int seed) => BenchRequests.WithImage(engine.Loaded, image, QuestionTokens, maxTokens: 1, seed);

        for (var i = 0; i < 3; i++)
        {
            var image = BenchRequests.Jpeg(seed: 1000 + i);
            await FacadeClient.RunAsync(engine, Ask(image, i));
            await FacadeClient.RunAsync(engine, Ask(image, i));
        }
        output.WriteLine("  warm-up: 3 cold + 3 repeated requests");

        var (cold, repeated, followUp) = (new List<double>(), new List<double>(), new List<double>());
        var rounds = Math.Max(settings.Repeats, MinimumRounds);
        for (var round = 0; round < rounds; round++)
        {
            var image = BenchRequests.Jpeg(seed: round);
            var first = await FacadeClient.RunAsync(engine, Ask(image, seed: 1));
            var again = await FacadeClient.RunAsync(engine, Ask(image, seed: 1));
            var other = await FacadeClient.RunAsync(engine, Ask(image, seed: 2));
            cold.Add(first.FirstEventSeconds * 1000);
            repeated.Add(again.FirstEventSeconds * 1000);
            followUp.Add(other.FirstEventSeconds * 1000);
            output.WriteLine($"  round {round + 1}: cold {cold[^1],7:F1} ms (cached {first.CachedTokens}), repeated {repeated[^1],6:F1} ms " +
                             $"(cached {again.CachedTokens}), follow-up question {followUp[^1],6:F1} ms (cached {other.CachedTokens})");
        }

        var ratio = BenchStats.Median(cold) / BenchStats.Median(repeated);
        var dtype = settings.DTypeName;
        return
        [
            new("prefix", $"time to first token, cold / repeated image+prompt (ratio of medians, {dtype})", ratio, "x", ">= 5 x", ratio >= 5),
            new("prefix", $"time to first token, cold image+prompt, median ({dtype})", BenchStats.Median(cold), "ms"),
            new("prefix", $"time to first token, repeated image+prompt, median ({dtype})", BenchStats.Median(repeated), "ms"),
            new("prefix", $"time to first token, new question about a cached image, median ({dtype})", BenchStats.Median(followUp), "ms"),
        ];
    }
}
