using System.Globalization;
using FlorenceVL.Engine.Benchmarks;
using static TorchSharp.torch;

namespace FlorenceVL.Api.Commands;

/// <summary>
/// `bench &lt;scenario|all&gt; [--dtype bfloat16|float32] [--repeats n] [--threads n] [--tokenizer folder] [--decoder folder]`: runs the engine benchmarks on
/// the in-memory "bench-cpu" preset (random weights) and prints every figure plus a Markdown table (docs/benchmarks.md).
/// </summary>
internal static class BenchCommand
{
    public static int Run(string[] args, TextWriter output)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            output.WriteLine($"usage: bench <{string.Join('|', BenchRunner.Scenarios)}|all>[,more] [--dtype bfloat16|float32] [--repeats 3] [--threads n] [--tokenizer models/bench-cpu] [--decoder hf-checkpoint-dir]");
            return 2;
        }
        var scenarios = args[0] == "all" ? BenchRunner.Scenarios : args[0].Split(',', StringSplitOptions.RemoveEmptyEntries);
        var dtype = Option(args, "--dtype") switch
        {
            null or "bfloat16" => ScalarType.BFloat16,
            "float32" => ScalarType.Float32,
            var other => throw new ArgumentException($"--dtype {other} is not supported here (bfloat16, float32)."),
        };
        var settings = new BenchSettings(dtype, Option(args, "--tokenizer") ?? Path.Combine("models", "bench-cpu"), output)
        {
            Threads = Option(args, "--threads") is { } threads ? int.Parse(threads, CultureInfo.InvariantCulture) : null,
            Repeats = Option(args, "--repeats") is { } repeats ? int.Parse(repeats, CultureInfo.InvariantCulture) : 3,
            DecoderDirectory = Option(args, "--decoder"),
        };
        var figures = BenchRunner.RunAsync(scenarios, settings).GetAwaiter().GetResult();
        return figures.Any(f => f.Passed == false) ? 1 : 0;
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
