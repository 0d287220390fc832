namespace FlorenceVL.Deployment.Tests.Infrastructure;

public sealed record DockerInstruction(string Keyword, string Arguments)
{
    public override string ToString() => $"{Keyword} {Arguments}";
}

/// <summary>A Dockerfile split into stages of instructions (continuation lines joined, comments dropped).</summary>
public sealed class Dockerfile(IReadOnlyList<IReadOnlyList<DockerInstruction>> stages)
{
    public IReadOnlyList<IReadOnlyList<DockerInstruction>> Stages { get; } = stages;

    public IReadOnlyList<DockerInstruction> BuildStage => Stages[0];

    public IReadOnlyList<DockerInstruction> RuntimeStage => Stages[^1];

    public static Dockerfile Load(string relativePath)
    {
        var stages = new List<List<DockerInstruction>>();
        var pending = "";
        foreach (var raw in File.ReadAllLines(Repository.Path(relativePath)))
        {
            if (pending.Length == 0 && raw.TrimStart().StartsWith('#')) continue;
            var line = pending + raw;
            if (line.TrimEnd().EndsWith('\\'))
            {
                pending = line.TrimEnd()[..^1] + " ";
                continue;
            }
            pending = "";
            if (string.IsNullOrWhiteSpace(line)) continue;
            var split = line.Trim().Split(' ', 2);
            var instruction = new DockerInstruction(split[0].ToUpperInvariant(), split.Length > 1 ? split[1] : "");
            if (instruction.Keyword == "FROM") stages.Add([]);
            if (stages.Count > 0) stages[^1].Add(instruction); // ARGs before the first FROM only parameterise FROM lines

        }
        return new Dockerfile(stages);
    }

    /// <summary>ENV instructions of a stage as name/value pairs ("A=1 B=2" forms; empty values kept).</summary>
    public static Dictionary<string, string> Environment(IEnumerable<DockerInstruction> stage) =>
        stage.Where(i => i.Keyword == "ENV")
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);
}
