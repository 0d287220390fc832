namespace FlorenceVL.Engine.Benchmarks;

/// <summary>One reported number: what it measures, its value and unit, and the target it is judged against (if any).</summary>
public sealed record BenchFigure(string Scenario, string Metric, double Value, string Unit, string? Target = null, bool? Passed = null)
{
    public string Verdict => Passed switch { true => "pass", false => "FAIL", null => "" };

    public string FormattedValue => Unit switch
    {
        "x" => $"{Value:F2} x",
        "ms" => $"{Value:F1} ms",
        "s" => $"{Value:F2} s",
        "tok/s" => $"{Value:F0} tok/s",
        "MiB" => $"{Value:F0} MiB",
        "%" => $"{Value:+0.0;-0.0;0.0} %",
        _ => $"{Value:G4} {Unit}",
    };
}
