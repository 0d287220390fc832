using System.Diagnostics;
using System.Net;
using FlorenceVL.Deployment.Tests.Infrastructure;

namespace FlorenceVL.Deployment.Tests;

/// <summary>The manifests against a real server process: the routes they probe, the metric they scale on, the drain.</summary>
public sealed class LiveServerTests
{
    /// <summary>One sequence at a time, so concurrent requests wait in the scheduler's queue as they would under load.</summary>
    private static readonly Dictionary<string, string> OneAtATime = new() { ["FlorenceVL__Scheduler__MaxNumSeqs"] = "1" };

    [Fact]
    public async Task Every_probe_path_in_the_manifests_answers_200_on_a_ready_server_and_the_hpa_metric_is_exported()
    {
        var rendered = await Kustomize.OverlayAsync("cpu");
        await using var server = ServerProcess.Start();
        await server.WaitUntilReadyAsync();
        using var client = server.CreateClient();

        var container = rendered.Server;
        foreach (var probe in new[] { container.StartupProbe, container.ReadinessProbe, container.LivenessProbe })
        {
            using var response = await client.GetAsync(probe.HttpGet.Path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{probe.HttpGet.Path} answered {(int)response.StatusCode}");
        }
        var metric = Assert.Single(rendered.Autoscaler.Spec.Metrics).Pods.Metric.Name;
        Assert.Equal(0, await Completions.ScrapeAsync(client, metric));
    }

    [Fact]
    public async Task Pending_work_rises_under_load_and_falls_back_to_zero_when_idle()
    {
        var metric = Assert.Single((await Kustomize.OverlayAsync("cpu")).Autoscaler.Spec.Metrics).Pods.Metric.Name;
        await using var server = ServerProcess.Start(OneAtATime);
        await server.WaitUntilReadyAsync();
        using var client = server.CreateClient();
        Assert.Equal(0, await Completions.ScrapeAsync(client, metric));

        var load = Enumerable.Range(0, 6).Select(seed => Completions.StreamAsync(client, seed)).ToList();
        var peak = 0.0;
        while (!load.All(t => t.IsCompleted))
        {
            peak = Math.Max(peak, await Completions.ScrapeAsync(client, metric) ?? 0);
            await Task.Delay(20);
        }
        Assert.All(await Task.WhenAll(load), result => Assert.Equal(200, result.Status));

        Assert.True(peak >= 2, $"{metric} peaked at {peak} with 6 concurrent requests and one running at a time");
        Assert.Equal(0, await Completions.ScrapeAsync(client, metric));
    }

    [Fact]
    public async Task Sigterm_lets_streams_finish_refuses_new_requests_with_503_and_exits_zero_within_the_drain_timeout()
    {
        const int drainSeconds = 20;
        await using var server = ServerProcess.Start(new Dictionary<string, string>(OneAtATime)
        {
            ["FlorenceVL__Shutdown__DrainTimeoutSeconds"] = drainSeconds.ToString(),
        });
        await server.WaitUntilReadyAsync();
        using var client = server.CreateClient();
        var streams = Enumerable.Range(0, 6).Select(seed => Completions.StreamAsync(client, seed)).ToList();
        await WaitUntilAsync(async () => await Completions.ScrapeAsync(client, "florencevl_num_requests_waiting") >= 3);

        var clock = Stopwatch.StartNew();
        server.SendSigterm();
        await WaitUntilAsync(async () => (await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.ServiceUnavailable);
        using var refused = await client.PostAsync("/v1/chat/completions", Completions.LongStream(99));
        var refusal = await refused.Content.ReadAsStringAsync();
        using var live = await client.GetAsync("/health/live");
        var inFlightAtRefusal = streams.Count(s => !s.IsCompleted);
        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(drainSeconds + 5));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("\"type\":\"server_error\"", refusal);
        Assert.Contains("\"code\":\"service_unavailable\"", refusal);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.True(inFlightAtRefusal > 0, "every stream had finished before the server refused a request: nothing was drained");
        Assert.All(await Task.WhenAll(streams), result =>
        {
            Assert.Equal(200, result.Status);
            Assert.Equal("[DONE]", result.Events[^1]);
        });
        Assert.Equal(0, exitCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(drainSeconds), $"exit took {clock.Elapsed}");
        Assert.Contains("Drained", server.Output);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The condition did not hold within 30 s.");
            await Task.Delay(10);
        }
    }
}
