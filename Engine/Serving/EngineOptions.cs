using FlorenceVL.Engine.FeatureStore;
using FlorenceVL.Engine.Processing.Images;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Serving;

/// <summary>
/// Runtime knobs of the engine (architecture always comes from the checkpoint). The API binds these from configuration;
/// tests and the benchmark construct them directly.
/// </summary>
public sealed record EngineOptions
{
    public required string ModelPath { get; init; }
    /// <summary>The id clients send as "model"; defaults to the checkpoint folder's name.</summary>
    public string? ServedModelName { get; init; }
    public string Device { get; init; } = "cpu";
    public ScalarType DType { get; init; } = ScalarType.Float32;
    /// <summary>Memory for the paged KV cache, allocated once at start-up.</summary>
    public long KvCacheBytes { get; init; } = 256L * 1024 * 1024;
    public int BlockSize { get; init; } = 16;
    public int MaxNumSeqs { get; init; } = 32;
    public int MaxNumBatchedTokens { get; init; } = 2048;
    /// <summary>Most tokens one sequence may take in a step, so a long prompt leaves room for running decodes.</summary>
    public int? LongPrefillTokenThreshold { get; init; } = 512;
    public int MaxWaiting { get; init; } = 256;
    /// <summary>Context length cap; null uses the model's training context (tokenizer_model_max_length) or its max positions.</summary>
    public int? MaxModelLen { get; init; }
    /// <summary>Images whose visual embeddings stay resident for reuse.</summary>
    public int EncoderCacheImages { get; init; } = 64;
    public long MaxImageBytes { get; init; } = 20L * 1024 * 1024;
    public long MaxImagePixels { get; init; } = 40_000_000;
    /// <summary>Run one short generation before reporting ready, so the first client does not pay for JIT and allocation.</summary>
    public bool WarmUp { get; init; } = true;
    /// <summary>The shared DBFusion feature store (Redis); without a connection string only the encoder cache is used.</summary>
    public FeatureStoreOptions FeatureStore { get; init; } = new();
}
