using System.Text;

namespace FlorenceVL.Deployment.Tests.Infrastructure;

/// <summary>Chat completion requests against a server process, and a /metrics reader.</summary>
public static class Completions
{
    public const string Model = "florence-vl-tiny";

    /// <summary>A request that generates up to the tiny model's context (~200 tokens, a few hundred ms of work).</summary>
    public static StringContent LongStream(int seed) => new(
        $$"""{"model":"{{Model}}","stream":true,"max_tokens":200,"temperature":1,"seed":{{seed}},"messages":[{"role":"user","content":"Tell a long story."}]}""",
        Encoding.UTF8, "application/json");

    /// <summary>Sends a streaming request and reads it to the end; returns the status and every "data:" payload.</summary>
    public static async Task<(int Status, List<string> Events)> StreamAsync(HttpClient client, int seed)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = LongStream(seed) };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStringAsync();
        var events = body.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l["data: ".Length..].TrimEnd('\r')).ToList();
        return ((int)response.StatusCode, events);
    }

    /// <summary>The value of an unlabelled sample in /metrics, or null when the metric is not exported.</summary>
    public static async Task<double?> ScrapeAsync(HttpClient client, string metric)
    {
        var text = await client.GetStringAsync("/metrics");
        return ParseSample(text, metric);
    }

    public static double? ParseSample(string exposition, string metric) =>
        exposition.Split('\n')
            .Select(line => line.Split(' '))
            .Where(parts => parts.Length == 2 && parts[0] == metric)
            .Select(parts => (double?)double.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture))
            .FirstOrDefault();
}
