using FlorenceVL.Tests.Shared;
using FlorenceVL.Engine.FeatureStore;
using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Serving;
using FlorenceVL.Engine.Tests.Serving;

namespace FlorenceVL.Engine.Tests.FeatureStore;

/// <summary>Redis dies in the middle of traffic and comes back: requests never notice, caching resumes.</summary>
public sealed class RedisOutageTests(RedisServer redis) : IClassFixture<RedisServer>
{
    [Fact]
    public async Task Requests_succeed_through_a_redis_outage_the_breaker_opens_and_hits_resume_after_restart()
    {
        using var writer = await StoreBackedEngine.StartAsync(redis, StoreBackedEngine.OutageTimeout);
        using var reader = await StoreBackedEngine.StartAsync(redis, StoreBackedEngine.OutageTimeout);
        var answers = new List<Completion>();

        for (var i = 0; i < 4; i++) answers.Add(await StoreBackedEngine.DescribeAsync(writer, TestModel.Png(200 + i)));
        redis.Kill();
        for (var i = 4; i < 12; i++) answers.Add(await StoreBackedEngine.DescribeAsync(writer, TestModel.Png(200 + i)));
        Assert.True(writer.Metrics.FeatureStore.BreakerOpenings >= 1, "the breaker should open while Redis is gone");
        Assert.True(writer.Metrics.FeatureStore.Failures > 0);

        redis.Start();
        var resumed = await HitsResumeAsync(writer, reader, answers);

        Assert.True(resumed, "after Redis restarted, an image written by one engine should be read by the other");
        Assert.All(answers, a => Assert.Equal(FinishReason.Length, a.Reasons[0]));
        Assert.Equal(writer.Metrics.RequestsByStatus["length"], writer.Metrics.VisionImagesEncoded); // every writer request had a new image
        Assert.Equal(FeatureStoreBreakerState.Closed, writer.Metrics.FeatureStore.BreakerState);
    }

    /// <summary>New images through the writer then the reader, until the reader gets one from Redis (or 30 s pass).</summary>
    private static async Task<bool> HitsResumeAsync(InferenceEngine writer, InferenceEngine reader, List<Completion> answers)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        for (var seed = 300; DateTime.UtcNow < deadline; seed++)
        {
            var png = TestModel.Png(seed);
            answers.Add(await StoreBackedEngine.DescribeAsync(writer, png));
            await writer.FlushFeatureWritesAsync();
            answers.Add(await StoreBackedEngine.DescribeAsync(reader, png));
            if (reader.Metrics.FeatureStore.Hits(FeatureStoreMetrics.RedisTier) > 0) return true;
            await Task.Delay(100);
        }
        return false;
    }
}
