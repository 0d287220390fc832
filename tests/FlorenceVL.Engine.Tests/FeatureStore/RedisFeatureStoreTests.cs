using FlorenceVL.Tests.Shared;
using System.Diagnostics;
using FlorenceVL.Engine.FeatureStore;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Tests.FeatureStore;

public sealed class RedisFeatureStoreTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private static readonly TowerFingerprint Tower = new(UInt128.Parse("98765432109876543210"));

    private FeatureStoreOptions Options => new() { Redis = redis.ConnectionString, BreakerBreakDuration = TimeSpan.FromSeconds(1) };

    private static FeatureKey NewKey() => new(Guid.NewGuid().ToString("N"), Tower, ScalarType.BFloat16);

    private static FeatureValue RandomFeatures(long tokens, long dim)
    {
        Runtime.TorchRuntime.EnsureLoadable();
        using var features = randn([tokens, dim]);
        return FeatureValue.FromTensor(features, ScalarType.BFloat16);
    }

    private static async Task<RedisFeatureStore> ConnectedStoreAsync(FeatureStoreOptions options, FeatureStoreMetrics metrics)
    {
        var store = new RedisFeatureStore(options, metrics);
        for (var i = 0; i < 200 && !store.IsConnected; i++) await Task.Delay(10);
        Assert.True(store.IsConnected, "the store should connect to the running redis-server");
        return store;
    }

    [Fact]
    public async Task Features_round_trip_through_redis_bit_exactly()
    {
        var metrics = new FeatureStoreMetrics();
        await using var store = await ConnectedStoreAsync(Options, metrics);
        var key = NewKey();
        var value = RandomFeatures(576, 512);

        Assert.True(await store.SetAsync(key, value));
        var read = await store.GetAsync(key);

        Assert.NotNull(read);
        Assert.Equal(value.Shape, read.Shape);
        Assert.True(value.Data.Span.SequenceEqual(read.Data.Span));
        using var tensor = read.ToTensor();
        using var original = value.ToTensor();
        Assert.True(tensor.equal(original).all().item<bool>());
        Assert.Equal(metrics.BytesRead, metrics.BytesWritten);
    }

    [Fact]
    public async Task A_corrupted_entry_is_a_miss_and_counted_invalid()
    {
        var metrics = new FeatureStoreMetrics();
        await using var store = await ConnectedStoreAsync(Options, metrics);
        var key = NewKey();
        var entry = FeatureEntryCodec.Encode(key, RandomFeatures(25, 64));
        entry[^1] ^= 0xFF;
        await store.SetRawAsync(key, entry);

        Assert.Null(await store.GetAsync(key));
        Assert.Equal(1, metrics.InvalidEntries);
    }

    [Fact]
    public async Task Values_over_the_size_limit_are_neither_written_nor_read()
    {
        var metrics = new FeatureStoreMetrics();
        await using var store = await ConnectedStoreAsync(Options with { MaxValueBytes = 2048 }, metrics);
        var key = NewKey();

        Assert.False(await store.SetAsync(key, RandomFeatures(25, 64)));
        Assert.Null(await store.GetRawAsync(key));
    }

    [Fact]
    public async Task An_unreachable_redis_gives_fast_misses_and_opens_the_breaker()
    {
        var metrics = new FeatureStoreMetrics();
        var options = Options with { Redis = $"127.0.0.1:{FreePortNobodyListensOn()}", BreakerMinimumThroughput = 2 };
        await using var store = new RedisFeatureStore(options, metrics);
        var value = RandomFeatures(25, 64);
        var watch = Stopwatch.StartNew();

        for (var i = 0; i < 10; i++)
        {
            Assert.Null(await store.GetAsync(NewKey()));
            Assert.False(await store.SetAsync(NewKey(), value));
        }

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"20 operations against a dead Redis took {watch.Elapsed}");
        Assert.Equal(FeatureStoreBreakerState.Open, metrics.BreakerState);
        Assert.Equal(20, metrics.Failures);
    }

    private static int FreePortNobodyListensOn()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
