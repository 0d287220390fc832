namespace FlorenceVL.Api.Tests.Infrastructure;

public static class Sse
{
    /// <summary>The payload of every "data:" line, in order.</summary>
    public static List<string> DataLines(string stream) =>
        stream.Split('\n').Where(line => line.StartsWith("data: ", StringComparison.Ordinal)).Select(line => line["data: ".Length..].TrimEnd('\r')).ToList();
}
