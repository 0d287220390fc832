using System.Diagnostics;
using Polly;
using Polly.CircuitBreaker;
using StackExchange.Redis;

namespace FlorenceVL.Engine.FeatureStore;

/// <summary>
/// Features in Redis, shared by every replica and the training host. The connection is made in the background
/// (AbortOnConnectFail off, fail-fast backlog), and every operation runs through <see cref="FeatureStoreResilience"/>,
/// so an absent, slow or full Redis turns into misses and skipped writes, never into errors or waits.
/// </summary>
public sealed class RedisFeatureStore : IFeatureStore
{
    private readonly FeatureStoreOptions _options;
    private readonly FeatureStoreMetrics _metrics;
    private readonly ResiliencePipeline _pipeline;
    private readonly Task<ConnectionMultiplexer> _connection;

    public RedisFeatureStore(FeatureStoreOptions options, FeatureStoreMetrics metrics)
    {
        if (!options.IsRedisConfigured) throw new ArgumentException("FeatureStore:Redis is not set.", nameof(options));
        options.Validate();
        _options = options;
        _metrics = metrics;
        _pipeline = FeatureStoreResilience.Build(options, metrics);
        _connection = ConnectionMultiplexer.ConnectAsync(ConnectionOptions(options));
        metrics.SharedTierEnabled = true;
        _ = TrackConnectionAsync();
    }

    public string Tier => FeatureStoreMetrics.RedisTier;

    /// <summary>True once connected (Redis reachable right now).</summary>
    public bool IsConnected => _connection.IsCompletedSuccessfully && _connection.Result.IsConnected;

    public async ValueTask<FeatureValue?> GetAsync(FeatureKey key, CancellationToken cancellationToken = default)
    {
        var entry = await RunAsync(static (db, name) => db.StringGetAsync(name), RedisKeyOf(key), _metrics.GetSeconds, cancellationToken);
        if (entry is not { HasValue: true } value) return null;
        var bytes = (byte[])value!;
        _metrics.AddBytesRead(bytes.Length);
        if (bytes.Length > _options.MaxValueBytes) return Invalid();
        return FeatureEntryCodec.TryDecode(bytes, key, out _) ?? Invalid();
    }

    public async ValueTask<bool> SetAsync(FeatureKey key, FeatureValue value, CancellationToken cancellationToken = default)
    {
        var entry = FeatureEntryCodec.Encode(key, value);
        if (entry.Length > _options.MaxValueBytes) return false;
        var ttl = _options.Ttl;
        var written = await RunAsync((db, name) => db.StringSetAsync(name, entry, ttl), RedisKeyOf(key), _metrics.SetSeconds, cancellationToken);
        if (written != true) return false;
        _metrics.AddBytesWritten(entry.Length);
        return true;
    }

    /// <summary>Writes raw bytes under a key (tests and tools use it to plant foreign or damaged entries).</summary>
    internal async Task SetRawAsync(FeatureKey key, byte[] entry) =>
        await (await _connection).GetDatabase().StringSetAsync(RedisKeyOf(key), entry, _options.Ttl);

    internal async Task<byte[]?> GetRawAsync(FeatureKey key) =>
        (byte[]?)await (await _connection).GetDatabase().StringGetAsync(RedisKeyOf(key));

    public async ValueTask DisposeAsync()
    {
        try { await (await _connection).DisposeAsync(); }
        catch (Exception error) when (error is RedisException or TimeoutException) { /* nothing to release */ }
    }

    private async Task TrackConnectionAsync()
    {
        try
        {
            var connection = await _connection;
            connection.ConnectionFailed += (_, _) => _metrics.Connected = connection.IsConnected;
            connection.ConnectionRestored += (_, _) => _metrics.Connected = connection.IsConnected;
            _metrics.Connected = connection.IsConnected;
        }
        catch (Exception error) when (error is RedisException or ArgumentException)
        {
            _metrics.CountFailure(); // an unusable connection string: the store stays a permanent miss
        }
    }

    private RedisKey RedisKeyOf(FeatureKey key) => $"{_options.KeyPrefix}:{key.Name}";

    private FeatureValue? Invalid()
    {
        _metrics.CountInvalidEntry();
        return null;
    }

    /// <summary>Runs one command under the pipeline; null when it failed, timed out or the breaker refused it.</summary>
    private async ValueTask<T?> RunAsync<T>(Func<IDatabase, RedisKey, Task<T>> command, RedisKey key, Diagnostics.Histogram latency,
        CancellationToken cancellationToken) where T : struct
    {
        var watch = Stopwatch.StartNew();
        try
        {
            return await _pipeline.ExecuteAsync(static async (state, token) =>
            {
                var (store, command, key) = state;
                var connection = store._connection.IsCompletedSuccessfully
                    ? store._connection.Result
                    : throw new FeatureStoreUnavailableException("still connecting to Redis");
                // StackExchange.Redis commands take no token: WaitAsync makes the timeout cooperative.
                return (T?)await command(connection.GetDatabase(), key).WaitAsync(token);
            }, (this, command, key), cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _metrics.CountFailure();
            return null;
        }
        finally
        {
            latency.Observe(watch.Elapsed.TotalSeconds);
        }
    }

    private static ConfigurationOptions ConnectionOptions(FeatureStoreOptions options)
    {
        var config = ConfigurationOptions.Parse(options.Redis!);
        config.AbortOnConnectFail = false;
        config.BacklogPolicy = BacklogPolicy.FailFast; // never queue commands while disconnected: fail, compute, move on
        var timeout = (int)Math.Ceiling(options.OperationTimeout.TotalMilliseconds);
        config.AsyncTimeout = timeout;
        config.SyncTimeout = timeout;
        config.ConnectTimeout = Math.Max(timeout, 1000);
        config.ReconnectRetryPolicy = new ExponentialRetry(250, 5000);
        return config;
    }
}
