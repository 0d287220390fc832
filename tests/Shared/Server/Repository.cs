namespace FlorenceVL.Tests.Shared;

/// <summary>Paths in the repository the tests run from (found by walking up to FlorenceVL.Api.sln).</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    public static string Read(params string[] parts) => File.ReadAllText(Path(parts));

    /// <summary>The server assembly built alongside this test assembly (same configuration).</summary>
    public static string ApiAssembly
    {
        get
        {
            var separator = System.IO.Path.DirectorySeparatorChar;
            var configuration = AppContext.BaseDirectory.Contains($"{separator}Release{separator}") ? "Release" : "Debug";
            var path = Path("Api", "bin", configuration, "net10.0", "linux-x64", "FlorenceVL.Api.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("Build the Api project first.", path);
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "FlorenceVL.Api.sln")))
                return dir.FullName;
        throw new InvalidOperationException("FlorenceVL.Api.sln not found above the test output folder.");
    }
}
