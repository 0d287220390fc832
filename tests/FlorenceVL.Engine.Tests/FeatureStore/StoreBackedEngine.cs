using FlorenceVL.Tests.Shared;
using FlorenceVL.Engine.FeatureStore;
using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Serving;
using FlorenceVL.Engine.Tests.Serving;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Tests.FeatureStore;

/// <summary>Tiny-model engines pointed at a test Redis, and the requests the feature store tests send them.</summary>
internal static class StoreBackedEngine
{
    public static FeatureStoreOptions StoreOptions(RedisServer redis) => new()
    {
        Redis = redis.ConnectionString,
        // Generous: on a 2-core machine running every test project at once a GET took over 500 ms, and a timed-out read
        // is a miss, not the outcome these tests check. The outage tests shorten it (OutageTimeout).
        OperationTimeout = TimeSpan.FromSeconds(5),
        BreakerMinimumThroughput = 2,
        BreakerSamplingDuration = TimeSpan.FromSeconds(2),
        BreakerBreakDuration = TimeSpan.FromSeconds(1),
    };

    /// <summary>For tests that kill Redis: short enough that a dead server is noticed, and the breaker opens, within a second.</summary>
    public static FeatureStoreOptions OutageTimeout(FeatureStoreOptions options) => options with { OperationTimeout = TimeSpan.FromMilliseconds(500) };

    public static async Task<InferenceEngine> StartAsync(RedisServer redis, Func<FeatureStoreOptions, FeatureStoreOptions>? adjust = null)
    {
        var store = StoreOptions(redis);
        var engine = InferenceEngine.Start(TestModel.Options(o => o with { FeatureStore = adjust is null ? store : adjust(store) }));
        await EngineDriver.EventuallyAsync(() => engine.Metrics.FeatureStore.Connected, "the engine's feature store connects to redis");
        return engine;
    }

    public static SamplingParams Greedy { get; } = new() { Temperature = 0, MaxTokens = 8, IgnoreEos = true };

    public static Task<Completion> DescribeAsync(IInferenceEngine engine, byte[] png) =>
        EngineDriver.RunAsync(engine, EngineDriver.Request("Describe the image.", [png], Greedy));

    /// <summary>The key the engine uses for <paramref name="png"/>.</summary>
    public static FeatureKey KeyFor(InferenceEngine engine, byte[] png) =>
        new(engine.Loaded.Preprocessor.Preprocess(png).ContentHash, engine.TowerFingerprint, ScalarType.BFloat16);

    /// <summary>A direct connection to the same Redis (planting and inspecting raw entries).</summary>
    public static async Task<RedisFeatureStore> DirectStoreAsync(RedisServer redis)
    {
        var store = new RedisFeatureStore(StoreOptions(redis), new FeatureStoreMetrics());
        for (var i = 0; i < 200 && !store.IsConnected; i++) await Task.Delay(10);
        return store;
    }
}
