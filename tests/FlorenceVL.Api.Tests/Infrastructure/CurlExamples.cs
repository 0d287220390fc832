namespace FlorenceVL.Api.Tests.Infrastructure;

/// <summary>
/// The curl examples exactly as the README shows them: the bash block after the "curl-examples" marker, made of a
/// preamble that sets BASE_URL, then one block per example, each starting with a "# Title" line, blank-line separated.
/// </summary>
public static class CurlExamples
{
    public sealed record Example(string Title, string Script);

    private const string Marker = "<!-- curl-examples";

    public static IReadOnlyList<Example> Read()
    {
        var readme = File.ReadAllText(Repository.Path("README.md"));
        var start = readme.IndexOf("```bash\n", readme.IndexOf(Marker, StringComparison.Ordinal), StringComparison.Ordinal) + "```bash\n".Length;
        var script = readme[start..readme.IndexOf("\n```", start, StringComparison.Ordinal)];
        var blocks = script.Split("\n\n");
        var preamble = blocks.Single(b => b.Contains("BASE_URL=", StringComparison.Ordinal));
        return blocks.Where(b => b.StartsWith("# ", StringComparison.Ordinal) && b.Contains("curl ", StringComparison.Ordinal))
            .Select(b => new Example(b.Split('\n')[0][2..], preamble + "\nset -euo pipefail\n" + b))
            .ToList();
    }
}
