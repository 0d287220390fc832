using System.Diagnostics;
using FlorenceVL.Engine.Serving;

namespace FlorenceVL.Engine.Benchmarks;

/// <summary>What a client saw of one request: when its first event and its end arrived, and how many tokens it got.</summary>
internal sealed record ClientTiming(double FirstEventSeconds, double TotalSeconds, int CompletionTokens, int CachedTokens);

/// <summary>Drives the engine as an API client would: submit, stream every event, note the times.</summary>
internal static class FacadeClient
{
    public static async Task<ClientTiming> RunAsync(IInferenceEngine engine, GenerationRequest request)
    {
        var start = Stopwatch.GetTimestamp();
        double? firstEvent = null;
        var (tokens, cached) = (0, 0);
        await using var generation = await engine.StartAsync(request, CancellationToken.None);
        await foreach (var e in generation.ReadAllAsync(CancellationToken.None))
        {
            firstEvent ??= Stopwatch.GetElapsedTime(start).TotalSeconds;
            if (e is ChoiceFinished finished) (tokens, cached) = (finished.NumCompletionTokens, finished.NumCachedTokens);
        }
        var total = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return new ClientTiming(firstEvent ?? total, total, tokens, cached);
    }

    /// <summary>Runs the requests concurrently (all submitted at once); returns each one's timing and the wall time.</summary>
    public static async Task<(IReadOnlyList<ClientTiming> Timings, double WallSeconds)> RunConcurrentlyAsync(
        IInferenceEngine engine, IReadOnlyList<GenerationRequest> requests)
    {
        var start = Stopwatch.GetTimestamp();
        var timings = await Task.WhenAll(requests.Select(r => Task.Run(() => RunAsync(engine, r))));
        return (timings, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }
}
