using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Inference.Sampling;
using FlorenceVL.Engine.Modeling.KvCache;
using FlorenceVL.Engine.Serving;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Benchmarks;

/// <summary>
/// The engine's core parts wired exactly as <see cref="InferenceEngine"/> wires them (scheduler, paged KV cache,
/// encoder cache, model runner with the unsampleable-id mask), stepped on the calling thread so that a scenario can
/// time single steps. Text-only: sequences are random token ids.
/// </summary>
internal sealed class EngineCoreRig : IDisposable
{
    private readonly Dictionary<long, SamplingRow> _rows = [];
    private readonly EncoderCache<Tensor> _encoderCache;
    private readonly Tensor? _unsampleable;
    private long _nextId;

    public EngineCoreRig(LoadedModel loaded, EngineOptions options)
    {
        Loaded = loaded;
        var config = loaded.Config;
        Cache = PagedKvCache.FromByteBudget(config.Text, loaded.Model.Placement, options.KvCacheBytes, options.BlockSize);
        var maxModelLen = Math.Min(Math.Min(config.Text.MaxPositionEmbeddings, 4096), Cache.NumBlocks * Cache.BlockSize);
        var encoderBudget = options.EncoderCacheImages * config.NumVisualTokens;
        _encoderCache = new EncoderCache<Tensor>(encoderBudget, (_, tensor) => tensor.Dispose());
        Scheduler = new Scheduler(new SchedulerConfig(options.MaxNumSeqs, options.MaxNumBatchedTokens, options.BlockSize,
            Cache.NumBlocks, maxModelLen, options.MaxWaiting, encoderBudget)
        {
            LongPrefillTokenThreshold = options.LongPrefillTokenThreshold,
            EosTokenIds = loaded.Template.StopTokenIds,
        }, _encoderCache);
        _unsampleable = InferenceEngine.UnsampleableMask(loaded);
        Core = new EngineCore(Scheduler, new ModelRunner(loaded.Model, Cache, _encoderCache, _unsampleable));
    }

    public LoadedModel Loaded { get; }
    public PagedKvCache Cache { get; }
    public Scheduler Scheduler { get; }
    public EngineCore Core { get; }

    public Sequence Add(int[] promptIds, int maxTokens)
    {
        var sampling = BenchRequests.Greedy(maxTokens);
        var sequence = new Sequence(++_nextId, promptIds, sampling);
        _rows[sequence.Id] = new SamplingRow(sampling, promptIds, [], new Random(0));
        Scheduler.Add(sequence);
        return sequence;
    }

    public StepOutcome Step() => Core.Step(_ => throw new InvalidOperationException("the rig runs text only."), id => _rows[id]);

    /// <summary>Milliseconds of one <see cref="EngineCore.Step"/> (schedule, run, sample, update).</summary>
    public double TimedStep() => BenchStats.Milliseconds(() => Step());

    public void Dispose()
    {
        Cache.Dispose();
        _unsampleable?.Dispose();
    }
}
