using System.Text.Json;
using FlorenceVL.Api.Tests.Infrastructure;

namespace FlorenceVL.Api.Tests.Responses;

/// <summary>The official `openai` npm package's responses.create and responses.stream against a real server process.</summary>
public sealed class NodeResponsesTests(ServerProcessFixture fixture) : IClassFixture<ServerProcessFixture>
{
    [Fact]
    public async Task The_openai_npm_package_creates_and_streams_responses()
    {
        var nodeFolder = Repository.Path("tests", "node");
        Assert.True(Directory.Exists(Path.Combine(nodeFolder, "node_modules", "openai")),
            "tests/node/node_modules is missing: run `npm ci` in tests/node (scripts/test.sh does).");
        var image = Path.Combine(Path.GetTempPath(), $"florencevl-{Guid.NewGuid():N}.png");
        await File.WriteAllBytesAsync(image, TestImages.Png(5));
        try
        {
            var run = await ExternalProgram.RunAsync("node",
                ["responses.mjs", fixture.Server.BaseAddress.ToString().TrimEnd('/'), ApiFactory.Model, image], nodeFolder);

            Assert.True(run.ExitCode == 0, run.StandardError);
            using var summary = JsonDocument.Parse(run.StandardOutput);
            var created = summary.RootElement.GetProperty("created");
            Assert.StartsWith("resp_", created.GetProperty("id").GetString());
            Assert.Contains(created.GetProperty("status").GetString(), new[] { "completed", "incomplete" });
            Assert.False(created.GetProperty("store").GetBoolean());
            Assert.True(created.GetProperty("usage").GetProperty("input_tokens").GetInt32() > 25);
            Assert.Equal(25, created.GetProperty("usage").GetProperty("input_tokens_details").GetProperty("image_tokens").GetInt32());

            var stream = summary.RootElement.GetProperty("stream");
            var events = stream.GetProperty("events").EnumerateArray().Select(e => e.GetString()).ToList();
            Assert.Equal("response.created", events[0]);
            Assert.Contains(events[^1], new[] { "response.completed", "response.incomplete" });
            Assert.Contains("response.output_text.delta", events);
            Assert.Equal(stream.GetProperty("deltas").GetString(), stream.GetProperty("finalText").GetString());
            Assert.InRange(stream.GetProperty("usage").GetProperty("output_tokens").GetInt32(), 1, 8);
        }
        finally
        {
            File.Delete(image);
        }
    }
}
