using FlorenceVL.Engine.Constrained;
using FlorenceVL.Engine.Diagnostics;
using FlorenceVL.Engine.FeatureStore;
using FlorenceVL.Engine.Inference;

namespace FlorenceVL.Engine.Serving;

/// <summary>
/// Live numbers the engine publishes for /metrics and the autoscaler. The engine thread replaces the scheduler snapshot
/// after every step; counters and histograms may be updated from any thread.
/// </summary>
public sealed class EngineMetrics
{
    private long _promptTokens, _generationTokens, _visionImagesEncoded;
    private readonly Dictionary<string, long> _requestsByStatus = new(StringComparer.Ordinal);

    /// <summary>The scheduler's last snapshot: queue, running, KV blocks, preemptions, prefix and encoder cache counters.</summary>
    public SchedulerStats Scheduler { get; internal set; } = new(0, 0, 0, 0, 0, new(0, 0), new(0, 0, 0, 0));

    /// <summary>Images of admitted-but-not-started and queued requests that the vision tower has not run on yet.</summary>
    public int NumPendingImages { get; internal set; }

    /// <summary>Work waiting for capacity: the autoscaler's per-pod signal (queued requests plus images not yet encoded).</summary>
    public int PendingWork => Scheduler.NumWaiting + NumPendingImages;

    public long PromptTokens => Interlocked.Read(ref _promptTokens);
    public long GenerationTokens => Interlocked.Read(ref _generationTokens);
    /// <summary>Images the vision tower actually ran on (<c>florencevl_vision_encoder_images_total</c>); memory and store hits are not counted.</summary>
    public long VisionImagesEncoded => Interlocked.Read(ref _visionImagesEncoded);

    /// <summary>Feature store tiers: hits and misses per tier, bytes, operation latency, breaker state.</summary>
    public FeatureStoreMetrics FeatureStore { get; } = new();

    /// <summary>Constrained decoding's masks and grammar faults (the runner's counters).</summary>
    public ConstraintStats Constraints { get; internal set; } = new();

    public Histogram TimeToFirstToken { get; } = new(Histogram.LatencyBuckets);
    public Histogram TimePerOutputToken { get; } = new([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1]);
    public Histogram PreprocessSeconds { get; } = new(Histogram.LatencyBuckets);
    public Histogram VisionSeconds { get; } = new(Histogram.LatencyBuckets);
    public Histogram StepSeconds { get; } = new(Histogram.LatencyBuckets);

    internal void AddPromptTokens(int n) => Interlocked.Add(ref _promptTokens, n);
    internal void AddGenerationTokens(int n) => Interlocked.Add(ref _generationTokens, n);
    internal void AddVisionImages(int n) => Interlocked.Add(ref _visionImagesEncoded, n);

    /// <summary>Counts finished requests by outcome (stop, length, abort, error, rejected).</summary>
    public void CountRequest(string status)
    {
        lock (_requestsByStatus) _requestsByStatus[status] = _requestsByStatus.GetValueOrDefault(status) + 1;
    }

    public IReadOnlyDictionary<string, long> RequestsByStatus
    {
        get { lock (_requestsByStatus) return new Dictionary<string, long>(_requestsByStatus); }
    }
}
