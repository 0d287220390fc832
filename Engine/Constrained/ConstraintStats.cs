namespace FlorenceVL.Engine.Constrained;

/// <summary>
/// What constrained decoding did, for /metrics and the benchmark: masks filled and their cost, and the two events
/// that mean a grammar bug (both stay 0): a mask that allowed nothing, and a sampled token the matcher refused.
/// Thread-safe counters.
/// </summary>
public sealed class ConstraintStats
{
    private long _masks, _maskTicks, _emptyMasks, _refusedTokens;

    public long NumMasks => Interlocked.Read(ref _masks);

    /// <summary>Stopwatch ticks spent filling masks (the runner's whole mask step, bit expansion included).</summary>
    public long MaskTicks => Interlocked.Read(ref _maskTicks);

    /// <summary>Masks that allowed no token; the sequence was ended with EOS instead of stalling.</summary>
    public long EmptyMasks => Interlocked.Read(ref _emptyMasks);

    /// <summary>Sampled tokens the matcher refused (the mask and the matcher disagreed).</summary>
    public long RefusedTokens => Interlocked.Read(ref _refusedTokens);

    public double MeanMaskMicroseconds => NumMasks == 0 ? 0 : MaskTicks * 1e6 / System.Diagnostics.Stopwatch.Frequency / NumMasks;

    internal void AddMasks(int count, long ticks)
    {
        Interlocked.Add(ref _masks, count);
        Interlocked.Add(ref _maskTicks, ticks);
    }

    internal void CountEmptyMask() => Interlocked.Increment(ref _emptyMasks);

    internal void CountRefusedToken() => Interlocked.Increment(ref _refusedTokens);
}
