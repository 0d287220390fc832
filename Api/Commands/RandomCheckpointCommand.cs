using System.Diagnostics;
using System.Globalization;
using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Weights;
using static TorchSharp.torch;

namespace FlorenceVL.Api.Commands;

/// <summary>
/// `random-checkpoint --preset florence-vl-3b|florence-vl-8b --out &lt;folder&gt; [--tokenizer &lt;folder&gt;] [--shard-gb 4.9]
/// [--seed 0]`: writes random bf16 weights at a released model's exact shapes, in the released sharded layout (the
/// 3B is about 9.6 GB, the 8B about 18 GB), with its config files and a tokenizer copied from another folder. For load,
/// memory and speed runs at full size where the released weights are not at hand; delete it afterwards.
/// </summary>
internal static class RandomCheckpointCommand
{
    private const string Usage = "usage: random-checkpoint --preset florence-vl-3b|florence-vl-8b --out <folder> [--tokenizer <folder>] [--shard-gb 4.9] [--seed 0]";

    public static int Run(string[] args, TextWriter output)
    {
        var options = CommandOptions.Parse(args, ["--preset", "--out", "--tokenizer", "--shard-gb", "--seed"], out var error);
        if (error is not null || !options.ContainsKey("--preset") || !options.ContainsKey("--out")) return Fail(output, error, 2);
        FlorenceVLConfig? config = options["--preset"] switch
        {
            "florence-vl-3b" => ModelPresets.FlorenceVL3B,
            "florence-vl-8b" => ModelPresets.FlorenceVL8B,
            _ => null,
        };
        if (config is null) return Fail(output, $"--preset {options["--preset"]}: use florence-vl-3b or florence-vl-8b", 2);
        // The bench tokenizer has Phi-3.5's chat tokens at their real ids; a Llama-3 tokenizer.json must be given.
        var tokenizer = options.GetValueOrDefault("--tokenizer") ?? (config.Text.Kind == DecoderKind.Phi3 ? "models/bench-cpu" : null);
        if (tokenizer is null) return Fail(output, "--tokenizer <folder with a Llama-3 tokenizer.json> is needed for florence-vl-8b", 2);
        if (!double.TryParse(options.GetValueOrDefault("--shard-gb", "4.9"), NumberStyles.Float, CultureInfo.InvariantCulture, out var shardGb) || shardGb <= 0
            || !long.TryParse(options.GetValueOrDefault("--seed", "0"), NumberStyles.None, CultureInfo.InvariantCulture, out var seed))
            return Fail(output, "--shard-gb takes a positive number and --seed a whole number", 2);
        try
        {
            var clock = Stopwatch.StartNew();
            var files = RandomCheckpoint.Write(config, options["--out"], tokenizer, ScalarType.BFloat16, (long)(shardGb * 1e9), seed);
            var bytes = files.Sum(f => new FileInfo(Path.Combine(options["--out"], f)).Length);
            output.WriteLine($"wrote {files.Count} shard(s), {bytes / 1e9:0.00} GB, to {options["--out"]} in {clock.Elapsed.TotalSeconds:0} s");
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ModelConfigException)
        {
            return Fail(output, e.Message, 1);
        }
    }

    private static int Fail(TextWriter output, string? problem, int code)
    {
        if (problem is not null) output.WriteLine($"random-checkpoint: {problem}");
        if (code == 2) output.WriteLine(Usage);
        return code;
    }
}
