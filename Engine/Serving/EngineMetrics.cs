namespace FlorenceVL.Engine.Serving;

/// <summary>
/// Live numbers the engine publishes for /metrics and the autoscaler. Gauges are written by the engine thread after
/// every step; counters and histograms may be updated from any thread.
/// </summary>
public sealed class EngineMetrics
{
    private long _promptTokens, _generationTokens, _prefixQueriedTokens, _prefixHitTokens;
    private long _encoderHits, _encoderMisses, _visionImagesEncoded, _preemptions;
    private readonly Dictionary<string, long> _requestsByStatus = new(StringComparer.Ordinal);

    public int NumWaiting { get; internal set; }
    public int NumRunning { get; internal set; }
    public int NumPendingImages { get; internal set; }
    public int KvBlocksUsed { get; internal set; }
    public int KvBlocksTotal { get; internal set; }

    public long PromptTokens => Interlocked.Read(ref _promptTokens);
    public long GenerationTokens => Interlocked.Read(ref _generationTokens);
    public long PrefixQueriedTokens => Interlocked.Read(ref _prefixQueriedTokens);
    public long PrefixHitTokens => Interlocked.Read(ref _prefixHitTokens);
    public long EncoderCacheHits => Interlocked.Read(ref _encoderHits);
    public long EncoderCacheMisses => Interlocked.Read(ref _encoderMisses);
    public long VisionImagesEncoded => Interlocked.Read(ref _visionImagesEncoded);
    public long Preemptions => Interlocked.Read(ref _preemptions);

    public Histogram TimeToFirstToken { get; } = new(Histogram.LatencyBuckets);
    public Histogram TimePerOutputToken { get; } = new([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1]);
    public Histogram PreprocessSeconds { get; } = new(Histogram.LatencyBuckets);
    public Histogram VisionSeconds { get; } = new(Histogram.LatencyBuckets);
    public Histogram StepSeconds { get; } = new(Histogram.LatencyBuckets);

    /// <summary>Work waiting for capacity: the autoscaler's per-pod signal (queued requests plus images not yet encoded).</summary>
    public int PendingWork => NumWaiting + NumPendingImages;

    internal void AddPromptTokens(int n) => Interlocked.Add(ref _promptTokens, n);
    internal void AddGenerationTokens(int n) => Interlocked.Add(ref _generationTokens, n);
    internal void AddPrefixLookup(int queried, int hit) { Interlocked.Add(ref _prefixQueriedTokens, queried); Interlocked.Add(ref _prefixHitTokens, hit); }
    internal void AddEncoderLookup(bool hit) => Interlocked.Increment(ref hit ? ref _encoderHits : ref _encoderMisses);
    internal void AddVisionImages(int n) => Interlocked.Add(ref _visionImagesEncoded, n);
    internal void AddPreemptions(int n) => Interlocked.Add(ref _preemptions, n);

    public void CountRequest(string status)
    {
        lock (_requestsByStatus) _requestsByStatus[status] = _requestsByStatus.GetValueOrDefault(status) + 1;
    }

    public IReadOnlyDictionary<string, long> RequestsByStatus
    {
        get { lock (_requestsByStatus) return new Dictionary<string, long>(_requestsByStatus); }
    }
}
