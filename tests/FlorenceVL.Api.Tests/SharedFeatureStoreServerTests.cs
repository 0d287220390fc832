using System.Net.Http.Json;
using System.Text.RegularExpressions;
using FlorenceVL.Api.Tests.Infrastructure;
using FlorenceVL.Tests.Shared;

namespace FlorenceVL.Api.Tests;

/// <summary>
/// Two real server processes pointed at one real Redis (FeatureStore__Redis): the second replica's first request for an
/// image the first replica has seen runs no vision computation, as its own /metrics shows.
/// </summary>
public sealed class SharedFeatureStoreServerTests(RedisServer redis) : IClassFixture<RedisServer>
{
    private async Task<ServerProcess> StartReplicaAsync()
    {
        var server = ServerProcess.Start(new Dictionary<string, string>
        {
            ["FeatureStore__Redis"] = redis.ConnectionString,
            ["FeatureStore__OperationTimeout"] = "00:00:02",
        });
        await server.WaitUntilReadyAsync();
        return server;
    }

    private static async Task<string> AskAboutImageAsync(ServerProcess server, byte[] image)
    {
        using var http = server.CreateClient();
        var response = await http.PostAsJsonAsync("/v1/chat/completions", new
        {
            model = ApiFactory.Model,
            temperature = 0,
            max_tokens = 6,
            messages = new object[]
            {
                new { role = "user", content = new object[]
                {
                    new { type = "image_url", image_url = new { url = TestImages.DataUrl(image) } },
                    new { type = "text", text = "What is in the picture?" },
                } },
            },
        });
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<double> MetricAsync(ServerProcess server, string series)
    {
        using var http = server.CreateClient();
        var text = await http.GetStringAsync("/metrics");
        var match = Regex.Match(text, "^" + Regex.Escape(series) + @" (\S+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"/metrics has no series {series}");
        return double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_second_replica_serves_a_known_image_from_redis_without_running_the_vision_tower()
    {
        var image = TestImages.Png(seed: 4242, width: 140, height: 100);
        await using var first = await StartReplicaAsync();
        var firstAnswer = await AskAboutImageAsync(first, image);
        Assert.Equal(1, await MetricAsync(first, "florencevl_vision_encoder_images_total"));
        // The write to Redis is queued behind the response: wait until the first replica reports it done.
        for (var i = 0; i < 100 && await MetricAsync(first, "florencevl_feature_store_written_bytes_total") == 0; i++) await Task.Delay(50);

        await using var second = await StartReplicaAsync();
        var secondAnswer = await AskAboutImageAsync(second, image);

        Assert.Equal(0, await MetricAsync(second, "florencevl_vision_encoder_images_total"));
        Assert.Equal(1, await MetricAsync(second, "florencevl_feature_store_hits_total{tier=\"redis\"}"));
        Assert.Equal(ChoiceText(firstAnswer), ChoiceText(secondAnswer));
    }

    private static string ChoiceText(string json) =>
        System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
}
