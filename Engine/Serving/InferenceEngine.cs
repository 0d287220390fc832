using System.Diagnostics;
using System.Threading.Channels;
using FlorenceVL.Engine.FeatureStore;
using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Inference.Sampling;
using FlorenceVL.Engine.Modeling.KvCache;
using FlorenceVL.Engine.Processing.Text;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Serving;

/// <summary>
/// The async facade over <see cref="EngineCore"/>. One dedicated thread owns the scheduler, the model and every tensor;
/// requests arrive as commands on a channel and leave as events on per-request channels. Callers never block the loop,
/// and the loop never waits for a caller.
/// </summary>
public sealed partial class InferenceEngine : IInferenceEngine, IDisposable
{
    private readonly LoadedModel _loaded;
    private readonly EngineCore _core;
    private readonly PagedKvCache _cache;
    private readonly EncoderCache<Tensor> _encoderCache;
    private readonly FeatureTiers _features;
    private readonly StoredFeatureHooks? _storedFeatureHooks;
    private readonly Channel<EngineCommand> _commands = Channel.CreateUnbounded<EngineCommand>(new() { SingleReader = true });
    private readonly Dictionary<long, SequenceState> _live = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly Thread _thread;
    private readonly Tensor? _unsampleable;
    private long _nextSequenceId;
    private volatile bool _ready;

    private InferenceEngine(LoadedModel loaded, EngineOptions options, Func<FeatureStoreMetrics, IFeatureStore?> storeFactory)
    {
        _loaded = loaded;
        var config = loaded.Config;
        var featureStore = storeFactory(Metrics.FeatureStore);
        _features = new FeatureTiers(featureStore, featureStore is null ? default : TowerFingerprint.Of(loaded.Model), options.FeatureStore, Metrics.FeatureStore);
        _storedFeatureHooks = featureStore is null ? null : new StoredFeatureHooks(options.FeatureStore.StoredDType, StoredFeaturesFor, SaveFeatures);
        _cache = PagedKvCache.FromByteBudget(config.Text, loaded.Model.Placement, options.KvCacheBytes, options.BlockSize);
        var maxModelLen = Math.Min(options.MaxModelLen ?? Math.Min(config.Text.MaxPositionEmbeddings, 4096), _cache.NumBlocks * _cache.BlockSize);
        var encoderBudget = Math.Max(1, options.EncoderCacheImages) * config.NumVisualTokens;
        _encoderCache = new EncoderCache<Tensor>(encoderBudget, (hash, tensor) =>
        {
            tensor.Dispose();
            _features.MarkEvicted(hash);
        });
        var scheduler = new Scheduler(new SchedulerConfig(options.MaxNumSeqs, options.MaxNumBatchedTokens, options.BlockSize,
            _cache.NumBlocks, maxModelLen, options.MaxWaiting, encoderBudget)
        {
            LongPrefillTokenThreshold = options.LongPrefillTokenThreshold,
            EosTokenIds = loaded.Template.StopTokenIds,
        }, _encoderCache);
        _unsampleable = UnsampleableMask(loaded);
        _core = new EngineCore(scheduler, new ModelRunner(loaded.Model, _cache, _encoderCache, _unsampleable));
        Model = new ModelDescriptor(options.ServedModelName ?? Path.GetFileName(Path.GetFullPath(options.ModelPath).TrimEnd('/')),
            config.ModelType, maxModelLen, config.NumVisualTokens, DateTimeOffset.UtcNow);
        _thread = new Thread(Loop) { IsBackground = true, Name = "florencevl-engine" };
    }

    public ModelDescriptor Model { get; }
    public bool IsReady => _ready;
    public EngineMetrics Metrics { get; } = new();
    public ITextTokenizer Tokenizer => _loaded.Tokenizer;
    public LoadedModel Loaded => _loaded;

    /// <summary>Fingerprint of the loaded vision tower (feature store keys); default when no store is attached.</summary>
    public TowerFingerprint TowerFingerprint => _features.Tower;

    /// <summary>
    /// Loads the checkpoint, connects the feature store when <see cref="EngineOptions.FeatureStore"/> names a Redis (in
    /// the background: an unreachable Redis delays nothing), allocates the KV cache, starts the engine thread and
    /// (optionally) warms up.
    /// </summary>
    public static InferenceEngine Start(EngineOptions options)
    {
        options.FeatureStore.Validate();
        return Start(LoadedModel.Load(options), options);
    }

    /// <summary>
    /// Starts an engine on an already loaded model (the engine owns it). <paramref name="storeFactory"/> replaces the
    /// store the options describe (tests, the benchmark); it receives the metrics the store should report into.
    /// </summary>
    internal static InferenceEngine Start(LoadedModel loaded, EngineOptions options, Func<FeatureStoreMetrics, IFeatureStore?>? storeFactory = null)
    {
        storeFactory ??= metrics => options.FeatureStore.IsRedisConfigured ? new RedisFeatureStore(options.FeatureStore, metrics) : null;
        InferenceEngine engine;
        try { engine = new InferenceEngine(loaded, options, storeFactory); }
        catch
        {
            loaded.Dispose();
            throw;
        }
        engine._thread.Start();
        if (options.WarmUp) engine.WarmUp();
        engine._ready = true;
        return engine;
    }

    public async ValueTask<IGeneration> StartAsync(GenerationRequest request, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        var watch = Stopwatch.StartNew();
        var prepared = PreparedRequest.Create(request, _loaded, Model.MaxModelLen);
        Metrics.PreprocessSeconds.Observe(watch.Elapsed.TotalSeconds);
        var stored = await _features.LookupAsync(prepared.Pixels, cancellationToken);
        var generation = CreateGeneration(prepared, stored, out var sequences);
        var admitted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _commands.Writer.WriteAsync(new AddRequest(generation, sequences, admitted), cancellationToken);
        await admitted.Task.WaitAsync(cancellationToken);
        Metrics.AddPromptTokens(prepared.PromptTokenIds.Count);
        return generation;
    }

    /// <summary>Waits until features computed so far have been written to the store (tests, tools, shutdown).</summary>
    public Task FlushFeatureWritesAsync(CancellationToken cancellationToken = default) =>
        _features.Writes?.FlushAsync(cancellationToken) ?? Task.CompletedTask;

    private Generation CreateGeneration(PreparedRequest prepared, IReadOnlyDictionary<string, FeatureValue> stored, out IReadOnlyList<SequenceState> sequences)
    {
        var n = prepared.Sampling.N;
        var ids = Enumerable.Range(0, n).Select(_ => Interlocked.Increment(ref _nextSequenceId)).ToArray();
        var generation = new Generation($"req-{ids[0]}", prepared.PromptTokenIds.Count, prepared.NumImageTokens, ids,
            toAbort => _commands.Writer.TryWrite(new AbortSequences(toAbort)));
        var seed = prepared.Sampling.Seed ?? Random.Shared.NextInt64();
        sequences = ids.Select((id, choice) =>
        {
            var sequence = new Sequence(id, prepared.PromptTokenIds, prepared.Sampling with { N = 1 }, prepared.Images)
            {
                CacheSalt = CacheSaltFor(prepared.PromptTokenIds.Count),
            };
            // Each choice draws from its own stream, derived from the request seed, so a seed reproduces every choice.
            var random = new Random(unchecked((int)(seed * 1_000_003 + choice)));
            var row = new SamplingRow(sequence.SamplingParams, prepared.PromptTokenIds, [], random);
            return new SequenceState(sequence, generation, new ChoiceStream(choice, _loaded.Tokenizer, sequence.SamplingParams), row, prepared.Pixels, stored);
        }).ToList();
        return generation;
    }

    /// <summary>
    /// LongRoPE rotates every prompt token with the long factors when the prompt exceeds the original context and with the
    /// short ones otherwise, so the same prefix has different KV in the two cases: they must never share cached blocks.
    /// </summary>
    private string? CacheSaltFor(int numPromptTokens)
    {
        var text = _loaded.Config.Text;
        return text.RopeScaling?.Type == "longrope" && numPromptTokens > text.OriginalMaxPositionEmbeddings ? "longrope-long" : null;
    }

    internal static Tensor? UnsampleableMask(LoadedModel loaded)
    {
        var vocab = loaded.Config.Text.VocabSize;
        var unknown = Enumerable.Range(0, vocab).Select(id => !loaded.Tokenizer.IsKnownId(id)).ToArray();
        return unknown.Any(u => u) ? tensor(unknown, device: loaded.Model.Placement.Device) : null;
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _commands.Writer.TryComplete();
        _thread.Join(TimeSpan.FromSeconds(30));
        // Pending feature writes get a moment to land; a store that does not answer is abandoned.
        _features.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(5));
        _cache.Dispose();
        _unsampleable?.Dispose();
        _loaded.Dispose();
    }
}
