using System.Diagnostics;

namespace FlorenceVL.Training.Tests.Support;

/// <summary>Runs the training host as users do: its built dll (copied beside the tests) in a child process.</summary>
public static class TrainingHost
{
    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "FlorenceVL.Training.dll"));
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), "the training host did not exit");
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>models/florence-vl-shapes of this checkout.</summary>
    public static string DefaultModelDirectory => Repository.Path("models", "florence-vl-shapes");
}
