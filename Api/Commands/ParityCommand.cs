using FlorenceVL.Engine.Parity;
using static TorchSharp.torch;

namespace FlorenceVL.Api.Commands;

/// <summary>
/// `parity &lt;folder&gt; [--dtype float32|bfloat16] [--tolerance x]`: loads the checkpoint in the folder, compares every
/// reference tensor in its expected.safetensors, prints one line per tensor, exits 1 on any failure.
/// </summary>
internal static class ParityCommand
{
    public static int Run(string[] args, TextWriter output)
    {
        if (args.Length == 0 || args[0].StartsWith('-'))
        {
            output.WriteLine("usage: parity <checkpoint folder with expected.safetensors and cases.json> [--dtype float32|bfloat16] [--tolerance 1e-4]");
            return 2;
        }
        var dtype = Option(args, "--dtype") switch
        {
            null or "float32" => ScalarType.Float32,
            "bfloat16" => ScalarType.BFloat16,
            var other => throw new ArgumentException($"--dtype {other} is not supported here (float32, bfloat16)."),
        };
        var tolerance = Option(args, "--tolerance") is { } text ? double.Parse(text, System.Globalization.CultureInfo.InvariantCulture)
            : dtype == ScalarType.Float32 ? ParityRunner.Float32Tolerance : 5e-2;
        try
        {
            var results = ParityRunner.Run(args[0], dtype, tolerance);
            foreach (var result in results) output.WriteLine(result);
            var failed = results.Count(r => !r.Passed);
            output.WriteLine($"{results.Count - failed} of {results.Count} tensors within {tolerance:G3} ({dtype})");
            return failed == 0 && results.Count > 0 ? 0 : 1;
        }
        catch (Exception e) when (e is FlorenceVL.Engine.Weights.CheckpointException or FlorenceVL.Engine.Configuration.ModelConfigException or IOException)
        {
            output.WriteLine($"parity: {e.Message}");
            return 1;
        }
    }

    private static string? Option(string[] args, string name)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
