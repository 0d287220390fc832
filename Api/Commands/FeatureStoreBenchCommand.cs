using FlorenceVL.Engine.Benchmarks;
using FlorenceVL.Engine.FeatureStore;

namespace FlorenceVL.Api.Commands;

/// <summary>
/// `bench-feature-store --redis &lt;connection&gt; [--model models/florence-vl-tiny]`: time to first token for an image already
/// in Redis on a freshly started engine against a cold image, with the real Florence-2-large tower shapes (random
/// weights) at 768x768, and the Redis read time per 576 x 4096 bf16 entry. Writes only under a fresh key prefix.
/// </summary>
internal static class FeatureStoreBenchCommand
{
    public static int Run(string[] args, TextWriter output)
    {
        var index = Array.IndexOf(args, "--redis");
        if (index < 0 || index + 1 >= args.Length)
        {
            output.WriteLine("usage: bench-feature-store --redis <host:port> [--model <folder with the decoder and tokenizer to use>]");
            return 2;
        }
        var model = Array.IndexOf(args, "--model") is var m and >= 0 && m + 1 < args.Length ? args[m + 1] : Path.Combine("models", "florence-vl-tiny");
        FeatureStoreBenchmark.Run(output, args[index + 1], model);
        return 0;
    }
}
