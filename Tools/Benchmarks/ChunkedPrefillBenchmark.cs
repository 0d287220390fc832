using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Serving;

namespace FlorenceVL.Engine.Benchmarks;

/// <summary>
/// Scenario "chunked": 16 streams decode while a 2,000-token prompt is admitted. Every step gives each stream one token,
/// so a stream's inter-token gap is the step time; the worst gap during admission is compared with one prefill chunk's
/// step alone. Run with the engine's defaults (budget 2048 tokens, long-prefill threshold 512), then with chunking off
/// (threshold unset: the whole prompt joins one step) to show what chunking saves.
/// </summary>
internal static class ChunkedPrefillBenchmark
{
    private const int Streams = 16;
    private const int LongPrompt = 2000;
    private const int WarmUpSteps = 40;
    private const int BaselineSteps = 8;

    public static IReadOnlyList<BenchFigure> Run(BenchSettings settings)
    {
        var output = settings.Output;
        using var loaded = BenchPreset.Create(settings);
        var chunkedOptions = BenchPreset.EngineOptions();
        var chunked = Admissions(loaded, chunkedOptions, settings.Repeats, output, out var decodeGap, out var chunkAlone);
        var unchunked = Admissions(loaded, chunkedOptions with { LongPrefillTokenThreshold = null }, settings.Repeats, output, out _, out _,
            measureAlone: false);

        var worst = BenchStats.Median(chunked);
        var slowestChunk = chunkAlone!.Value;
        var ratio = worst / slowestChunk;
        var dtype = settings.DTypeName;
        return
        [
            new("chunked", $"worst inter-token gap of 16 streams while a 2,000-token prompt is admitted / the slowest chunk of that prompt prefilled alone ({dtype})",
                ratio, "x", "<= 1.5 x (a gap never spans more than one chunk)", ratio <= 1.5),
            new("chunked", $"worst inter-token gap during admission, chunked (threshold {chunkedOptions.LongPrefillTokenThreshold}, budget {chunkedOptions.MaxNumBatchedTokens}; median over admissions)", worst, "ms"),
            new("chunked", "slowest chunk of the 2,000-token prompt prefilled alone (the last: it attends to all 2,000 positions), median", slowestChunk, "ms"),
            new("chunked", "inter-token gap of the 16 streams with nothing admitted, median", decodeGap, "ms"),
            new("chunked", "worst inter-token gap during admission, chunking off (median over admissions)", BenchStats.Median(unchunked), "ms"),
        ];
    }

    /// <summary>Admits one long prompt per repeat while 16 streams decode; returns the worst step time of each admission.
    /// Then admits the same kind of prompt with nothing else running, for the time of its chunks alone.</summary>
    private static List<double> Admissions(LoadedModel loaded, EngineOptions options, int repeats, TextWriter output,
        out double decodeGap, out double? chunkAlone, bool measureAlone = true)
    {
        using var rig = new EngineCoreRig(loaded, options);
        var streams = Enumerable.Range(0, Streams).Select(i => rig.Add(BenchRequests.TokenIds(64, seed: i), maxTokens: 1000)).ToList();
        while (streams.Any(s => s.NumCompletionTokens == 0)) rig.Step();
        for (var i = 0; i < WarmUpSteps; i++) rig.Step();

        var worst = new List<double>();
        var decodeSteps = new List<double>();
        for (var repeat = 0; repeat < repeats; repeat++)
        {
            for (var i = 0; i < BaselineSteps; i++) decodeSteps.Add(rig.TimedStep());
            var steps = Admit(rig, BenchRequests.TokenIds(LongPrompt, seed: 500 + repeat));
            worst.Add(steps.Max());
            output.WriteLine($"  threshold {options.LongPrefillTokenThreshold?.ToString() ?? "off"}: admission {repeat + 1} took {steps.Count} steps " +
                             $"[{string.Join(", ", steps.Select(s => s.ToString("F0")))}] ms; decode-only steps median {BenchStats.Median(decodeSteps):F1} ms");
        }
        decodeGap = BenchStats.Median(decodeSteps);

        chunkAlone = null;
        if (!measureAlone) return worst;
        foreach (var stream in streams) rig.Scheduler.Abort(stream.Id);
        // Later chunks attend to more context, so "one chunk's time" is the slowest chunk position, prefilled alone.
        var alone = new List<List<double>>();
        for (var repeat = 0; repeat < repeats; repeat++)
            alone.Add(Admit(rig, BenchRequests.TokenIds(LongPrompt, seed: 900 + repeat)));
        var perChunk = Enumerable.Range(0, alone[0].Count).Select(i => BenchStats.Median(alone.Select(steps => steps[i]))).ToList();
        output.WriteLine($"  threshold {options.LongPrefillTokenThreshold?.ToString() ?? "off"}: the same prompt alone, median per chunk " +
                         $"[{string.Join(", ", perChunk.Select(s => s.ToString("F0")))}] ms");
        chunkAlone = perChunk.Max();
        return worst;
    }

    /// <summary>Steps until the long prompt has its first token; returns each of those steps' time in ms.</summary>
    private static List<double> Admit(EngineCoreRig rig, int[] prompt)
    {
        var sequence = rig.Add(prompt, maxTokens: 1);
        var steps = new List<double>();
        while (!sequence.IsFinished) steps.Add(rig.TimedStep());
        return steps;
    }
}
