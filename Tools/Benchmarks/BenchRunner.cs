using System.Diagnostics;
using FlorenceVL.Engine.Processing.Images;

namespace FlorenceVL.Engine.Benchmarks;

/// <summary>Runs the named scenarios in order and prints every figure, then one Markdown table of them all.</summary>
public static class BenchRunner
{
    public static IReadOnlyList<string> Scenarios { get; } = ["single", "batching", "overhead", "prefix", "chunked", "memory", "preprocess", "constrained", "projections"];

    public static async Task<IReadOnlyList<BenchFigure>> RunAsync(IReadOnlyList<string> scenarios, BenchSettings settings)
    {
        var unknown = scenarios.Except(Scenarios).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"Unknown scenario(s) {string.Join(", ", unknown)}; choose from {string.Join(", ", Scenarios)} or all.");
        var output = settings.Output;
        if (settings.Threads is { } threads) TorchSharp.torch.set_num_threads(threads);
        output.WriteLine($"bench {string.Join(' ', scenarios)}: preset {BenchPreset.Name}, {settings.DTypeName}, {settings.Repeats} repeats, " +
                         $"{Environment.ProcessorCount} cores, torch threads {TorchSharp.torch.get_num_threads()}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, load average {LoadAverage()}");
        var figures = new List<BenchFigure>();
        foreach (var scenario in scenarios)
        {
            output.WriteLine($"== {scenario}");
            var watch = Stopwatch.StartNew();
            figures.AddRange(await RunScenarioAsync(scenario, settings));
            output.WriteLine($"  ({watch.Elapsed.TotalSeconds:F0} s; load average now {LoadAverage()})");
        }
        WriteTable(figures, output);
        return figures;
    }

    private static async Task<IReadOnlyList<BenchFigure>> RunScenarioAsync(string scenario, BenchSettings settings) => scenario switch
    {
        "batching" => await BatchingBenchmark.RunAsync(settings),
        "overhead" => StepOverheadBenchmark.Run(settings),
        "prefix" => await PrefixCacheBenchmark.RunAsync(settings),
        "chunked" => ChunkedPrefillBenchmark.Run(settings),
        "memory" => await MemoryBenchmark.RunAsync(settings),
        "preprocess" => Preprocess(settings),
        "constrained" => await ConstrainedBenchmark.RunAsync(settings),
        "projections" => ProjectionBenchmark.Run(settings),
        "single" => await SingleStreamBenchmark.RunAsync(settings),
        _ => throw new ArgumentOutOfRangeException(nameof(scenario), scenario, "not a scenario"),
    };

    /// <summary>The 1/5/15-minute load averages: on a shared machine they say how much of it the run really had.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static IReadOnlyList<BenchFigure> Preprocess(BenchSettings settings)
    {
        ImagePreprocessBenchmark.Run(settings.Output);
        return [];
    }

    private static void WriteTable(IReadOnlyList<BenchFigure> figures, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine("| scenario | measure | value | target / peer | verdict |");
        output.WriteLine("|---|---|---|---|---|");
        foreach (var f in figures)
            output.WriteLine($"| {f.Scenario} | {f.Metric} | {f.FormattedValue} | {f.Target ?? ""} | {f.Verdict} |");
    }
}
