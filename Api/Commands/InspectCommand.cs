using System.Globalization;
using FlorenceVL.Engine.Modeling;
using static TorchSharp.torch;

namespace FlorenceVL.Api.Commands;

/// <summary>
/// `inspect &lt;folder&gt; [--device cpu|cuda] [--dtype float32|bfloat16|float16] [--context N] [--sequences N]`: what a
/// checkpoint folder is and whether the server can load it, from its config and safetensors headers alone (no weights
/// are read, so it answers in seconds for a 9 GB checkpoint). Exit 0: servable; 1: not servable or unreadable, with
/// the reasons; 2: bad arguments.
/// </summary>
internal static class InspectCommand
{
    private const int Listed = 30;
    private const string Usage = "usage: inspect <checkpoint folder> [--device cpu|cuda] [--dtype float32|bfloat16|float16] [--context N] [--sequences N]";

    public static int Run(string[] args, TextWriter output)
    {
        if (args.Length == 0 || args[0].StartsWith('-')) return UsageError(output, null);
        var options = CommandOptions.Parse(args[1..], ["--device", "--dtype", "--context", "--sequences"], out var optionError);
        if (optionError is not null) return UsageError(output, optionError);
        var device = options.GetValueOrDefault("--device", "cpu");
        if (device is not ("cpu" or "cuda") && !device.StartsWith("cuda:", StringComparison.Ordinal)) return UsageError(output, $"--device {device}: use cpu, cuda or cuda:N");
        ScalarType? dtype = options.GetValueOrDefault("--dtype", "float32") switch
        {
            "float32" => ScalarType.Float32,
            "bfloat16" => ScalarType.BFloat16,
            "float16" => ScalarType.Float16,
            _ => null,
        };
        if (dtype is null) return UsageError(output, $"--dtype {options["--dtype"]}: use float32, bfloat16 or float16");
        if (!TryPositive(options, "--context", out var context) || !TryPositive(options, "--sequences", out var sequences))
            return UsageError(output, "--context and --sequences take a positive whole number");
        try
        {
            var inspection = CheckpointInspector.Inspect(args[0], dtype.Value, context, sequences ?? 1);
            InspectionReport.Write(inspection, device, dtype.Value, sequences ?? 1, output, Listed);
            return inspection.CanServe ? 0 : 1;
        }
        catch (Exception e) // a report, never a stack trace: every failure here is about the folder
        {
            output.WriteLine($"inspect: {args[0]} cannot be read as a Florence-VL checkpoint: {e.Message}");
            return 1;
        }
    }

    private static bool TryPositive(IReadOnlyDictionary<string, string> options, string name, out int? value)
    {
        value = null;
        if (!options.TryGetValue(name, out var text)) return true;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed <= 0) return false;
        value = parsed;
        return true;
    }

    private static int UsageError(TextWriter output, string? problem)
    {
        if (problem is not null) output.WriteLine($"inspect: {problem}");
        output.WriteLine(Usage);
        return 2;
    }
}
