namespace FlorenceVL.Api.Options;

/// <summary>
/// Finds the checkpoint folder. A relative path is tried from the working directory, the content root, then the app's
/// folder and its ancestors, so `dotnet run --project Api` from the repository root and a test host in bin/ both find
/// the bundled model.
/// </summary>
public sealed class ModelLocator(string contentRoot)
{
    public const string BundledModel = "models/florence-vl-shapes";

    public string? Resolve(string? configuredPath) => Candidates(configuredPath).FirstOrDefault(IsCheckpoint);

    public IEnumerable<string> Candidates(string? configuredPath)
    {
        var path = string.IsNullOrWhiteSpace(configuredPath) ? BundledModel : configuredPath;
        if (Path.IsPathRooted(path))
            return [Path.GetFullPath(path)];
        return Roots().Select(root => Path.GetFullPath(Path.Combine(root, path))).Distinct();
    }

    private static bool IsCheckpoint(string folder) => File.Exists(Path.Combine(folder, "config.json"));

    private IEnumerable<string> Roots()
    {
        yield return Environment.CurrentDirectory;
        yield return contentRoot;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            yield return dir.FullName;
    }
}
