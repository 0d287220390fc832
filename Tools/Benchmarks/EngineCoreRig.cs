using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Modeling.KvCache;
using FlorenceVL.Engine.Serving;

namespace FlorenceVL.Engine.Benchmarks;

/// <summary>
/// The engine's core built by <see cref="EngineCoreBuilder"/> exactly as <see cref="InferenceEngine"/> builds it
/// (scheduler, paged KV cache, encoder cache, model runner with the unsampleable-id mask), stepped on the calling thread
/// so that a scenario can time single steps. Text-only: sequences are random token ids.
/// </summary>
internal sealed class EngineCoreRig : IDisposable
{
    private long _nextId;

    public EngineCoreRig(LoadedModel loaded, EngineOptions options)
    {
        Loaded = loaded;
        Core = EngineCoreBuilder.Build(loaded, options);
    }

    public LoadedModel Loaded { get; }
    public PagedKvCache Cache => Core.Runner.Cache;
    public Scheduler Scheduler => Core.Scheduler;
    public EngineCore Core { get; }

    public Sequence Add(int[] promptIds, int maxTokens)
    {
        var sequence = new Sequence(++_nextId, promptIds, BenchRequests.Greedy(maxTokens));
        Scheduler.Add(sequence);
        return sequence;
    }

    public StepOutcome Step() => Core.Step();

    /// <summary>Milliseconds of one <see cref="EngineCore.Step"/> (schedule, run, sample, update).</summary>
    public double TimedStep() => BenchStats.Milliseconds(() => Step());

    public void Dispose() => Core.Dispose();
}
