namespace FlorenceVL.Api.Tests.Infrastructure;

/// <summary>
/// The blocks of docs/curl-examples.sh (the README includes them): the preamble that sets BASE_URL, then one block per
/// example, each starting with a "# Title" comment line and separated by a blank line.
/// </summary>
public static class CurlExamples
{
    public sealed record Example(string Title, string Script);

    public static IReadOnlyList<Example> Read()
    {
        var blocks = File.ReadAllText(Repository.Path("docs", "curl-examples.sh")).Split("\n\n");
        var preamble = blocks.Single(b => b.Contains("BASE_URL=", StringComparison.Ordinal));
        return blocks.Where(b => b.StartsWith("# ", StringComparison.Ordinal) && b.Contains("curl ", StringComparison.Ordinal))
            .Select(b => new Example(b.Split('\n')[0][2..], preamble + "\nset -euo pipefail\n" + b))
            .ToList();
    }
}
