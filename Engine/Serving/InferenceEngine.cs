using System.Diagnostics;
using System.Threading.Channels;
using FlorenceVL.Engine.FeatureStore;
using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Processing.Text;
using FlorenceVL.Engine.Runtime;

namespace FlorenceVL.Engine.Serving;

/// <summary>
/// The async facade over <see cref="EngineCore"/>. One dedicated thread owns the core (scheduler, runner, every tensor)
/// and the output processor; requests arrive as commands on a channel and leave as events on per-request channels.
/// Callers never block the loop, and the loop never waits for a caller.
/// </summary>
public sealed class InferenceEngine : IInferenceEngine, IDisposable
{
    private readonly LoadedModel _loaded;
    private PromptTokenizer? _prompts;
    private readonly EngineCore _core;
    private readonly FeatureTiers _features;
    private readonly OutputProcessor _outputs;
    private readonly Channel<EngineCommand> _commands = Channel.CreateUnbounded<EngineCommand>(new() { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Thread _thread;
    private long _nextSequenceId;
    private volatile bool _ready;

    private InferenceEngine(LoadedModel loaded, EngineOptions options, Func<FeatureStoreMetrics, IFeatureStore?> storeFactory)
    {
        _loaded = loaded;
        _outputs = new OutputProcessor(Metrics);
        var featureStore = storeFactory(Metrics.FeatureStore);
        _features = new FeatureTiers(featureStore, featureStore is null ? default : TowerFingerprint.Of(loaded.Model), options.FeatureStore, Metrics.FeatureStore,
            localDType: loaded.Model.Placement.DType);
        Images = new EngineImageStore(this);
        _core = EngineCoreBuilder.Build(loaded, options, _features.MarkEvicted, _features.HasSharedStore ? new FeatureStoreSink(_features) : null);
        Model = new ModelDescriptor(options.ServedModelName ?? Path.GetFileName(Path.GetFullPath(options.ModelPath).TrimEnd('/')),
            loaded.Config.ModelType, _core.Scheduler.Config.MaxModelLen, loaded.Config.NumVisualTokens, DateTimeOffset.UtcNow)
        {
            ToolCalls = loaded.Template.ToolCallFormat,
        };
        Metrics.Constraints = _core.Runner.ConstraintStats;
        _thread = new Thread(Loop) { IsBackground = true, Name = "florencevl-engine" };
    }

    public ModelDescriptor Model { get; }
    public bool IsReady => _ready;
    public EngineMetrics Metrics { get; } = new();
    public IPromptTokenizer Prompts => _prompts ??= new PromptTokenizer(_loaded);
    public ITextTokenizer Tokenizer => _loaded.Tokenizer;
    public LoadedModel Loaded => _loaded;

    /// <summary>Uploaded images (POST /v1/images): the shared feature store when configured, else a process-local one.</summary>
    public IImageStore Images { get; }

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
        var prepared = PreparedRequest.Create(request, _loaded);
        Metrics.PreprocessSeconds.Observe(watch.Elapsed.TotalSeconds);
        var stored = await _features.LookupAsync(prepared.Pixels.Where(p => p.HasPixels).ToList(), cancellationToken);
        if (request.StoredImages.Count > 0)
        {
            // Images by id: the features the API read for them are used whatever the tiers hold (an image resident
            // now may be evicted before it is scheduled, and it has no pixels to encode again).
            var withIds = new Dictionary<string, FeatureValue>(stored, StringComparer.Ordinal);
            foreach (var image in request.StoredImages.Values) withIds[image.ContentHash] = image.Features;
            stored = withIds;
        }
        var generation = CreateGeneration(prepared, stored, out var choices);
        var admitted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _commands.Writer.WriteAsync(new AddRequest(generation, choices, admitted), cancellationToken);
        await admitted.Task.WaitAsync(cancellationToken);
        Metrics.AddPromptTokens(prepared.PromptTokenIds.Count);
        return generation;
    }

    /// <summary>Waits until features computed so far have been written to the store (tests, tools, shutdown).</summary>
    public Task FlushFeatureWritesAsync(CancellationToken cancellationToken = default) =>
        _features.Writes?.FlushAsync(cancellationToken) ?? Task.CompletedTask;

    public void Dispose()
    {
        _stopping.Cancel();
        _commands.Writer.TryComplete();
        _thread.Join(TimeSpan.FromSeconds(30));
        // Pending feature writes get a moment to land; a store that does not answer is abandoned.
        _features.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(5));
        _core.Dispose();
        _loaded.Dispose();
    }

    /// <summary>One sequence per choice, each with its own random stream derived from the request seed, so a seed
    /// reproduces every choice.</summary>
    private Generation CreateGeneration(PreparedRequest prepared, IReadOnlyDictionary<string, FeatureValue> stored, out IReadOnlyList<ChoiceState> choices)
    {
        var ids = Enumerable.Range(0, prepared.Sampling.N).Select(_ => Interlocked.Increment(ref _nextSequenceId)).ToArray();
        var generation = new Generation($"req-{ids[0]}", prepared.PromptTokenIds.Count, prepared.NumImageTokens, ids,
            toAbort => _commands.Writer.TryWrite(new AbortSequences(toAbort)));
        var seed = prepared.Sampling.Seed ?? Random.Shared.NextInt64();
        var sampling = prepared.Sampling with { N = 1 };
        choices = ids.Select((id, choice) =>
        {
            var sequence = new Sequence(id, prepared.PromptTokenIds, sampling, prepared.Images)
            {
                CacheSalt = _loaded.Config.Text.PrefixCacheSalt(prepared.PromptTokenIds.Count),
                Inputs = new SequenceInputs(prepared.Pixels, stored, unchecked((int)(seed * 1_000_003 + choice)))
                {
                    Constraint = prepared.Output?.CreateFor(_loaded.ConstraintVocabulary, _core.Runner.ConstraintStats),
                },
            };
            return new ChoiceState(sequence, generation, new ChoiceStream(choice, _loaded.Tokenizer, sampling));
        }).ToList();
        return generation;
    }

    /// <summary>One short generation before the engine reports ready, so JIT compilation and first allocations are paid up front.</summary>
    private void WarmUp()
    {
        var request = new GenerationRequest([ChatMessage.FromText(ChatRole.User, "Hello")], [], new SamplingParams { Temperature = 0, MaxTokens = 4 });
        var generation = StartAsync(request, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        _ = generation.ReadAllAsync(CancellationToken.None).ToBlockingEnumerable().Count();
    }

    // ---- the engine thread: apply commands, step while there is work, publish what each step produced ----

    private void Loop()
    {
        while (!_stopping.IsCancellationRequested)
        {
            while (_commands.Reader.TryRead(out var command)) Apply(command);
            if (!_core.HasWork)
            {
                NativeMemory.Trim(); // idle: give the burst's freed tensor memory back to the OS
                if (!WaitForCommand()) return;
                continue;
            }
            try { Step(); }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                // A failed step must not take the server down: its requests end with an error.
                foreach (var id in _outputs.FailAll(error)) _core.Scheduler.Abort(id);
            }
            PublishGauges();
        }
    }

    private void Step()
    {
        var watch = Stopwatch.StartNew();
        var outcome = _core.Step();
        if (outcome.Batch.IsEmpty) return; // only finished sequences' runner state was dropped
        Metrics.StepSeconds.Observe(watch.Elapsed.TotalSeconds);
        if (outcome.NumImagesEncoded > 0) Metrics.AddVisionImages(outcome.NumImagesEncoded);
        foreach (var input in outcome.Batch.EncoderInputs) _features.MarkResident(input.ContentHash);
        foreach (var id in _outputs.Process(outcome.Outputs)) _core.Scheduler.Finish(id, FinishReason.Stop);
    }

    private bool WaitForCommand()
    {
        try { return _commands.Reader.WaitToReadAsync(_stopping.Token).AsTask().GetAwaiter().GetResult(); }
        catch (OperationCanceledException) { return false; }
    }

    private void Apply(EngineCommand command)
    {
        switch (command)
        {
            case AddRequest add:
                Admit(add);
                break;
            case EncodeImageFeatures encode:
                EncodeForStore(encode);
                break;
            case AbortSequences abort:
                foreach (var id in abort.SequenceIds)
                    if (_outputs.Finish(id, FinishReason.Abort)) _core.Scheduler.Finish(id, FinishReason.Abort);
                break;
        }
        PublishGauges();
    }

    /// <summary>Engine thread: the vision tower on one uploaded image, between steps; counts as an encoded image.</summary>
    private void EncodeForStore(EncodeImageFeatures command)
    {
        try
        {
            var watch = Stopwatch.StartNew();
            using var noGrad = TorchSharp.torch.no_grad();
            using var scope = TorchSharp.torch.NewDisposeScope();
            using var pixels = command.Image.ToTensor();
            var fused = _loaded.Model.FusedFeatures(pixels.unsqueeze(0));                      // [1, N, fusedDim]
            var value = FeatureValue.FromTensor(fused[0], _features.ImageDType);
            Metrics.AddVisionImages(1);
            Metrics.VisionSeconds.Observe(watch.Elapsed.TotalSeconds);
            command.Done.TrySetResult(value);
        }
        catch (Exception error)
        {
            command.Done.TrySetException(error);
        }
    }

    /// <summary>The engine's <see cref="IImageStore"/>: preprocessing on the caller's thread, the tower on the engine thread.</summary>
    private sealed class EngineImageStore(InferenceEngine engine) : IImageStore
    {
        public TimeSpan Ttl => engine._features.ImageTtl;

        public bool IsShared => engine._features.HasSharedStore;

        public async Task<StoredImageInfo> PutAsync(ReadOnlyMemory<byte> encoded, CancellationToken cancellationToken)
        {
            ObjectDisposedException.ThrowIf(engine._stopping.IsCancellationRequested, engine);
            var image = engine._loaded.Preprocessor.Preprocess(encoded.Span);
            var storedAt = DateTimeOffset.UtcNow;
            // Stored already (by an earlier upload, here or on another replica): rewrite it to restart its TTL, no tower.
            var value = await engine._features.ReadImageAsync(image.ContentHash, cancellationToken);
            var encodedNow = value is null;
            if (value is null)
            {
                var done = new TaskCompletionSource<FeatureValue>(TaskCreationOptions.RunContinuationsAsynchronously);
                await engine._commands.Writer.WriteAsync(new EncodeImageFeatures(image, done), cancellationToken);
                value = await done.Task.WaitAsync(cancellationToken);
            }
            if (!await engine._features.WriteImageAsync(image.ContentHash, value, cancellationToken))
                throw new ImageStoreUnavailableException(IsShared
                    ? "The shared feature store did not accept the image's features; retry shortly."
                    : "The image's features are larger than the local image store.");
            return new StoredImageInfo(image.ContentHash, engine._loaded.Config.NumVisualTokens, encodedNow, storedAt, storedAt + Ttl);
        }

        public async Task<StoredImage?> GetAsync(string contentHash, CancellationToken cancellationToken) =>
            await engine._features.ReadImageAsync(contentHash, cancellationToken) is { } value ? new StoredImage(contentHash, value) : null;
    }

    private void Admit(AddRequest add)
    {
        var added = new List<long>();
        try
        {
            foreach (var choice in add.Sequences)
            {
                _core.Scheduler.Add(choice.Sequence);
                _outputs.Add(choice);
                added.Add(choice.Sequence.Id);
            }
            add.Admitted.TrySetResult();
        }
        catch (Exception error)
        {
            foreach (var id in added) { _core.Scheduler.Abort(id); _outputs.Remove(id); }
            Metrics.CountRequest(error is EngineOverloadedException ? "rejected" : "invalid");
            add.Admitted.TrySetException(error);
        }
    }

    private void PublishGauges()
    {
        Metrics.Scheduler = _core.Scheduler.Stats;
        Metrics.NumPendingImages = _outputs.Live
            .Where(s => s.Sequence.Status == SequenceStatus.Waiting)
            .Sum(s => s.Sequence.Images.Count(i => i.End > s.Sequence.NumComputedTokens));
    }
}
