using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Modeling.KvCache;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Serving;

/// <summary>
/// Wires an <see cref="EngineCore"/> for a loaded model from the runtime knobs: sizes the paged KV pool from its byte
/// budget, derives the context length and the encoder budget, and builds the scheduler and the model runner (with the
/// mask of ids the tokenizer cannot decode). The facade and the benchmarks build their cores here alike.
/// </summary>
internal static class EngineCoreBuilder
{
    /// <param name="onImageEvicted">Told when the encoder cache evicts an image (the feature tiers mirror residency).</param>
    /// <param name="featureSink">Where computed DBFusion features go when a feature store is attached.</param>
    public static EngineCore Build(LoadedModel loaded, EngineOptions options, Action<string>? onImageEvicted = null, IFeatureSink? featureSink = null)
    {
        var config = loaded.Config;
        var cache = PagedKvCache.FromByteBudget(config.Text, loaded.Model.Placement, options.KvCacheBytes, options.BlockSize);
        try
        {
            var encoderBudget = Math.Max(1, options.EncoderCacheImages) * config.NumVisualTokens;
            var encoderCache = new EncoderCache<Tensor>(encoderBudget, (hash, embeddings) =>
            {
                embeddings.Dispose();
                onImageEvicted?.Invoke(hash);
            });
            var scheduler = new Scheduler(SchedulerConfigFor(loaded, options, cache, encoderBudget), encoderCache);
            using var unsampleable = UnsampleableMask(loaded);
            return new EngineCore(scheduler, new ModelRunner(loaded.Model, cache, encoderCache, unsampleable, featureSink));
        }
        catch
        {
            cache.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The context length: the option, else the model's positions capped at 4,096, and never more than the pool holds.
    /// More than the model's positions is refused at start-up (as vLLM does): the rotary tables end there, and a
    /// request past them would fail mid-generation instead.
    /// </summary>
    public static int MaxModelLen(LoadedModel loaded, EngineOptions options, PagedKvCache cache)
    {
        var positions = loaded.Config.Text.MaxPositionEmbeddings;
        if (options.MaxModelLen > positions)
            throw new ModelConfigException(
                $"MaxModelLen {options.MaxModelLen} is more than the model's max_position_embeddings ({positions}); set it to at most {positions}.");
        return Math.Min(options.MaxModelLen ?? Math.Min(positions, 4096), cache.NumBlocks * cache.BlockSize);
    }

    private static SchedulerConfig SchedulerConfigFor(LoadedModel loaded, EngineOptions options, PagedKvCache cache, int encoderBudget) =>
        new(options.MaxNumSeqs, options.MaxNumBatchedTokens, options.BlockSize, cache.NumBlocks, MaxModelLen(loaded, options, cache),
            options.MaxWaiting, encoderBudget)
        {
            LongPrefillTokenThreshold = options.LongPrefillTokenThreshold,
            EosTokenIds = loaded.Template.StopTokenIds,
        };

    /// <summary>bool [vocab], true for ids the tokenizer cannot decode; null when it decodes them all.</summary>
    private static Tensor? UnsampleableMask(LoadedModel loaded)
    {
        var vocab = loaded.Config.Text.VocabSize;
        var unknown = Enumerable.Range(0, vocab).Select(id => !loaded.Tokenizer.IsKnownId(id)).ToArray();
        return unknown.Any(u => u) ? tensor(unknown, device: loaded.Model.Placement.Device) : null;
    }
}
