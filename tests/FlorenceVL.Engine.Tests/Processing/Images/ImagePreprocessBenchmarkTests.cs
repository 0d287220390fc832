using FlorenceVL.Engine.Processing.Images;
using Xunit.Abstractions;

namespace FlorenceVL.Engine.Tests.Processing.Images;

public class ImagePreprocessBenchmarkTests(ITestOutputHelper output)
{
    // Timing, not correctness: run on demand with
    // dotnet test tests/FlorenceVL.Engine.Tests -c Release --filter "Category=Benchmark" -e RUN_BENCHMARKS=1 --logger "console;verbosity=detailed"
    [SkippableBenchmark]
    [Trait("Category", "Benchmark")]
    public void Preprocessing_a_1080p_jpeg_is_timed_against_a_naive_path()
    {
        var writer = new StringWriter();
        ImagePreprocessBenchmark.Run(writer);
        output.WriteLine(writer.ToString());
    }
}

/// <summary>A fact that is skipped unless RUN_BENCHMARKS=1, so benchmarks stay out of ordinary test runs.</summary>
public sealed class SkippableBenchmarkAttribute : FactAttribute
{
    public SkippableBenchmarkAttribute()
    {
        if (Environment.GetEnvironmentVariable("RUN_BENCHMARKS") != "1") Skip = "Benchmark; set RUN_BENCHMARKS=1 to run.";
    }
}
