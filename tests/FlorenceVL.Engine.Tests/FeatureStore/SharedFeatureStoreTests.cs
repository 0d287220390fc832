using FlorenceVL.Tests.Shared;
using FlorenceVL.Engine.FeatureStore;
using FlorenceVL.Engine.Tests.Serving;
using StackExchange.Redis;

namespace FlorenceVL.Engine.Tests.FeatureStore;

/// <summary>Engines sharing one real redis-server, as replicas of one deployment do.</summary>
public sealed class SharedFeatureStoreTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task A_second_engine_answers_from_redis_without_running_the_vision_tower()
    {
        var png = TestModel.Png(101);
        using var first = await StoreBackedEngine.StartAsync(redis);
        var computed = await StoreBackedEngine.DescribeAsync(first, png);
        await first.FlushFeatureWritesAsync();

        using var second = await StoreBackedEngine.StartAsync(redis);
        var read = await StoreBackedEngine.DescribeAsync(second, png);

        Assert.Equal(1, first.Metrics.VisionImagesEncoded);
        Assert.Equal(1, first.Metrics.FeatureStore.Misses(FeatureStoreMetrics.RedisTier));
        Assert.True(first.Metrics.FeatureStore.BytesWritten > 0);
        Assert.Equal(0, second.Metrics.VisionImagesEncoded);
        Assert.Equal(1, second.Metrics.FeatureStore.Hits(FeatureStoreMetrics.RedisTier));
        Assert.Equal(first.Metrics.FeatureStore.BytesWritten, second.Metrics.FeatureStore.BytesRead);
        Assert.Equal(computed.Texts, read.Texts);
    }

    [Fact]
    public async Task An_image_already_in_the_encoder_cache_is_a_memory_hit_and_skips_redis()
    {
        var png = TestModel.Png(102);
        using var engine = await StoreBackedEngine.StartAsync(redis);
        await StoreBackedEngine.DescribeAsync(engine, png);
        await StoreBackedEngine.DescribeAsync(engine, png);

        var metrics = engine.Metrics.FeatureStore;
        Assert.Equal(1, metrics.Hits(FeatureStoreMetrics.MemoryTier));
        Assert.Equal(1, metrics.Misses(FeatureStoreMetrics.MemoryTier));
        Assert.Equal(1, metrics.Misses(FeatureStoreMetrics.RedisTier) + metrics.Hits(FeatureStoreMetrics.RedisTier));
        Assert.Equal(1, engine.Metrics.VisionImagesEncoded);
    }

    public enum BadEntry { ForeignTower, FlippedBit, Truncated }

    [Theory]
    [InlineData(BadEntry.ForeignTower)]
    [InlineData(BadEntry.FlippedBit)]
    [InlineData(BadEntry.Truncated)]
    public async Task A_foreign_or_damaged_entry_is_a_miss_and_gets_overwritten(BadEntry bad)
    {
        var png = TestModel.Png(110 + (int)bad);
        using var engine = await StoreBackedEngine.StartAsync(redis);
        await using var direct = await StoreBackedEngine.DirectStoreAsync(redis);
        var key = StoreBackedEngine.KeyFor(engine, png);
        await direct.SetRawAsync(key, BadEntryFor(key, bad));

        var answer = await StoreBackedEngine.DescribeAsync(engine, png);
        await engine.FlushFeatureWritesAsync();

        Assert.Equal(FlorenceVL.Engine.Inference.FinishReason.Length, answer.Reasons[0]);
        Assert.Equal(1, engine.Metrics.VisionImagesEncoded);
        Assert.Equal(1, engine.Metrics.FeatureStore.InvalidEntries);
        var rewritten = await direct.GetAsync(key);
        Assert.NotNull(rewritten);
        Assert.Equal([engine.Model.NumVisualTokensPerImage, engine.Loaded.Config.Projector.FusedDim], rewritten.Shape);
    }

    [Fact]
    public async Task Concurrent_requests_for_one_new_image_read_redis_once_and_encode_it_once()
    {
        var png = TestModel.Png(120);
        using var engine = await StoreBackedEngine.StartAsync(redis);
        using var admin = redis.Admin();
        var server = admin.GetServer(admin.GetEndPoints()[0]);
        var getsBefore = await GetCallsAsync(server);

        // Hold every client's commands for a moment, so all four lookups are in flight together.
        await server.ExecuteAsync("CLIENT", "PAUSE", "1000");
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => StoreBackedEngine.DescribeAsync(engine, png))));

        Assert.Equal(1, await GetCallsAsync(server) - getsBefore);
        Assert.Equal(1, engine.Metrics.VisionImagesEncoded);
        Assert.Single(answers.Select(a => a.Texts[0]).Distinct());
    }

    [Fact]
    public async Task A_stalled_redis_costs_a_request_at_most_the_operation_timeout()
    {
        using var engine = await StoreBackedEngine.StartAsync(redis, StoreBackedEngine.OutageTimeout);
        await StoreBackedEngine.DescribeAsync(engine, TestModel.Png(130)); // warm: the next request's time is Redis's share
        using var admin = redis.Admin();
        var server = admin.GetServer(admin.GetEndPoints()[0]);

        await server.ExecuteAsync("CLIENT", "PAUSE", "3000");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var answer = await StoreBackedEngine.DescribeAsync(engine, TestModel.Png(131));
        watch.Stop();
        await server.ExecuteAsync("CLIENT", "UNPAUSE"); // the next test in this class must find Redis responsive

        Assert.Equal(FlorenceVL.Engine.Inference.FinishReason.Length, answer.Reasons[0]);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"the request waited {watch.Elapsed} on a stalled Redis (timeout 500 ms)");
        Assert.Equal(2, engine.Metrics.VisionImagesEncoded);
        Assert.True(engine.Metrics.FeatureStore.Failures >= 1);
    }

    private static byte[] BadEntryFor(FeatureKey key, BadEntry bad)
    {
        Runtime.TorchRuntime.EnsureLoadable();
        using var features = TorchSharp.torch.randn([25, 64]);
        var value = FeatureValue.FromTensor(features, key.DType);
        var entry = FeatureEntryCodec.Encode(bad == BadEntry.ForeignTower ? key with { Tower = new TowerFingerprint(key.Tower.Value ^ 1) } : key, value);
        if (bad == BadEntry.FlippedBit) entry[^7] ^= 0x01;
        return bad == BadEntry.Truncated ? entry[..(entry.Length / 2)] : entry;
    }

    private static async Task<long> GetCallsAsync(IServer server)
    {
        var info = (string)(await server.ExecuteAsync("INFO", "commandstats"))!;
        var line = info.Split('\n').FirstOrDefault(l => l.StartsWith("cmdstat_get:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split("calls=")[1].Split(',')[0]);
    }
}
