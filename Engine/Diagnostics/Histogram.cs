namespace FlorenceVL.Engine.Diagnostics;

/// <summary>A thread-safe cumulative histogram with fixed upper bounds (Prometheus semantics: le buckets, sum, count).</summary>
public sealed class Histogram(IReadOnlyList<double> upperBounds)
{
    private readonly long[] _counts = new long[upperBounds.Count + 1];
    private readonly object _gate = new();
    private double _sum;

    public static IReadOnlyList<double> LatencyBuckets { get; } =
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    public IReadOnlyList<double> UpperBounds { get; } = upperBounds;

    public void Observe(double value)
    {
        var index = 0;
        while (index < UpperBounds.Count && value > UpperBounds[index]) index++;
        lock (_gate)
        {
            _counts[index]++;
            _sum += value;
        }
    }

    /// <summary>Cumulative counts per bound (the last is +Inf), the sum and the count, read consistently.</summary>
    public (long[] Cumulative, double Sum, long Count) Snapshot()
    {
        lock (_gate)
        {
            var cumulative = new long[_counts.Length];
            long running = 0;
            for (var i = 0; i < _counts.Length; i++) cumulative[i] = running += _counts[i];
            return (cumulative, _sum, running);
        }
    }
}
