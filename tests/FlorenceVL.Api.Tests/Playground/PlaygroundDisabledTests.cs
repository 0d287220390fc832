using System.Net;

namespace FlorenceVL.Api.Tests.Playground;

/// <summary>FlorenceVL:Playground:Enabled=false: / is a 404 as before the playground existed; the API is unchanged.</summary>
public sealed class PlaygroundDisabledTests
{
    [Fact]
    public async Task With_the_playground_disabled_the_root_is_404()
    {
        await using var server = ServerProcess.Start(new Dictionary<string, string> { ["FlorenceVL__Playground__Enabled"] = "false" });
        await server.WaitUntilReadyAsync();
        using var http = server.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/playground/playground.js")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v1/models")).StatusCode);
    }
}
