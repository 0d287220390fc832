using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace FlorenceVL.Engine.Benchmarks;

/// <summary>
/// This machine's streaming read bandwidth: a buffer far larger than the caches (1 GiB) summed with 64-byte vector loads
/// on 1..n threads, each thread reading its own contiguous share. The decode of one stream at batch 1 reads every
/// weight once per token, so bytes per token over this rate is the fastest a token can be (the "machine limit").
/// </summary>
internal static unsafe class MemoryBandwidth
{
    private const long BufferBytes = 1L << 30;

    /// <summary>Median GB/s (1e9 bytes) of <paramref name="passes"/> whole-buffer reads on <paramref name="threads"/> threads.</summary>
    public static double MeasureGBps(int threads, int passes = 7)
    {
        var buffer = (byte*)NativeMemory.AlignedAlloc((nuint)BufferBytes, 64);
        try
        {
            // Touch every page first (a first read of untouched memory measures the page faults, not the memory), with
            // contents that differ from page to page, so no layer below can share identical pages and serve them from cache.
            var words = (uint*)buffer;
            for (long i = 0; i < BufferBytes / sizeof(uint); i++) words[i] = (uint)(i * 2654435761u) & 0x3F7FFFFFu;
            var rates = new List<double>(passes);
            for (var pass = 0; pass < passes + 1; pass++)
            {
                var watch = Stopwatch.StartNew();
                ReadAll(buffer, threads);
                var seconds = watch.Elapsed.TotalSeconds;
                if (pass > 0) rates.Add(BufferBytes / seconds / 1e9); // the first pass warms the threads
            }
            return BenchStats.Median(rates);
        }
        finally
        {
            NativeMemory.AlignedFree(buffer);
        }
    }

    private static void ReadAll(byte* buffer, int threads)
    {
        var share = BufferBytes / threads;
        var start = (nint)buffer;
        var sums = new float[threads];
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads },
            t => sums[t] = Sum((float*)(start + t * share), share / sizeof(float)));
        if (float.IsNaN(sums.Sum())) throw new InvalidOperationException("unreachable: keeps the reads from being dropped.");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Sum(float* data, long count)
    {
        Vector512<float> a = default, b = default, c = default, d = default;
        for (long i = 0; i < count; i += 64)
        {
            a += Vector512.Load(data + i);
            b += Vector512.Load(data + i + 16);
            c += Vector512.Load(data + i + 32);
            d += Vector512.Load(data + i + 48);
        }
        return Vector512.Sum(a + b + c + d);
    }
}
