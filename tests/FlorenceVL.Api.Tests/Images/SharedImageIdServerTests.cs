using System.Net;
using System.Text.RegularExpressions;
using FlorenceVL.Api.Tests.Infrastructure;

namespace FlorenceVL.Api.Tests.Images;

/// <summary>
/// Two real server processes and one real Redis (FeatureStore__Redis): an image uploaded to one replica is usable by id
/// on the other at once (the upload writes synchronously), and that replica never runs the vision tower for it.
/// </summary>
public sealed class SharedImageIdServerTests(RedisServer redis) : IClassFixture<RedisServer>
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

    private static async Task<double> MetricAsync(ServerProcess server, string series)
    {
        using var http = server.CreateClient();
        var text = await http.GetStringAsync("/metrics");
        var match = Regex.Match(text, "^" + Regex.Escape(series) + @" (\S+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"/metrics has no series {series}");
        return double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task An_image_uploaded_to_one_replica_is_answered_by_id_on_another_without_its_vision_tower()
    {
        var image = TestImages.Png(seed: 2424, width: 120, height: 90);
        await using var first = await StartReplicaAsync();
        await using var second = await StartReplicaAsync();
        using var firstClient = first.CreateClient();
        using var secondClient = second.CreateClient();

        var uploaded = await ImageIdTests.UploadMultipartAsync(firstClient, image);
        var id = uploaded.GetProperty("id").GetString()!;
        Assert.Equal(1, await MetricAsync(first, "florencevl_vision_encoder_images_total"));

        using var byId = await ImageIdTests.AskAsync(secondClient, "florencevl://" + id);
        var byIdBody = await byId.Content.ReadAsStringAsync();
        Assert.True(byId.StatusCode == HttpStatusCode.OK, byIdBody);
        Assert.Equal(0, await MetricAsync(second, "florencevl_vision_encoder_images_total"));
        Assert.Equal(25, ImageIdTests.Usage(byIdBody).ImageTokens);

        // The same image inline on the uploading replica: the same answer (both project the stored-precision features).
        using var inline = await ImageIdTests.AskAsync(firstClient, TestImages.DataUrl(image));
        var inlineBody = await inline.Content.ReadAsStringAsync();
        Assert.True(inline.StatusCode == HttpStatusCode.OK, inlineBody);
        Assert.Equal(ImageIdTests.Answer(inlineBody), ImageIdTests.Answer(byIdBody));

        // Uploading the same image on the second replica finds it stored: same id, still no tower there.
        var again = await ImageIdTests.UploadMultipartAsync(secondClient, image);
        Assert.Equal(id, again.GetProperty("id").GetString());
        Assert.Equal(0, await MetricAsync(second, "florencevl_vision_encoder_images_total"));
    }
}
