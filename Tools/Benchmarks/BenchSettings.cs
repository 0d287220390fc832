using static TorchSharp.torch;

namespace FlorenceVL.Engine.Benchmarks;

/// <summary>How a bench run is set up: model dtype, where the preset's tokenizer lives, how many repeats, where to print.</summary>
public sealed record BenchSettings(ScalarType DType, string TokenizerDirectory, TextWriter Output)
{
    /// <summary>Timed repeats per measured configuration (medians are taken over them).</summary>
    public int Repeats { get; init; } = 3;

    /// <summary>libtorch's intra-op threads; null keeps its default (one per core).</summary>
    public int? Threads { get; init; }

    /// <summary>An HF checkpoint of the preset's decoder shapes to load instead of random decoder weights (the llama.cpp peer's).</summary>
    public string? DecoderDirectory { get; init; }

    public string DTypeName => DType == ScalarType.BFloat16 ? "bfloat16" : DType.ToString().ToLowerInvariant();
}
