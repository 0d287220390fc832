using Polly;
using Polly.CircuitBreaker;
using StackExchange.Redis;

namespace FlorenceVL.Engine.FeatureStore;

/// <summary>
/// The Polly pipeline every store operation runs through: a circuit breaker around a per-operation timeout. When the
/// backend fails or stalls the breaker opens and operations are refused at once (a miss, not a wait) until a probe
/// after <see cref="FeatureStoreOptions.BreakerBreakDuration"/> succeeds.
/// </summary>
internal static class FeatureStoreResilience
{
    public static ResiliencePipeline Build(FeatureStoreOptions options, FeatureStoreMetrics metrics) =>
        new ResiliencePipelineBuilder()
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = options.BreakerSamplingDuration,
                BreakDuration = options.BreakerBreakDuration,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && CountsAgainstBackend(e)),
                OnOpened = _ => SetState(metrics, FeatureStoreBreakerState.Open),
                OnHalfOpened = _ => SetState(metrics, FeatureStoreBreakerState.HalfOpen),
                OnClosed = _ => SetState(metrics, FeatureStoreBreakerState.Closed),
            })
            .AddTimeout(options.OperationTimeout)
            .Build();

    /// <summary>
    /// A full Redis (OOM on write) is healthy for reads, so it does not trip the breaker; a caller's own cancellation
    /// says nothing about the backend either. Everything else (connection loss, timeouts, protocol errors) does.
    /// </summary>
    private static bool CountsAgainstBackend(Exception error) => error switch
    {
        OperationCanceledException => false,
        RedisServerException server when server.Message.StartsWith("OOM", StringComparison.Ordinal) => false,
        _ => true,
    };

    private static ValueTask SetState(FeatureStoreMetrics metrics, FeatureStoreBreakerState state)
    {
        metrics.SetBreakerState(state);
        return ValueTask.CompletedTask;
    }
}
