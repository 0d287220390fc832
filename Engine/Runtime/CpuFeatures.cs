namespace FlorenceVL.Engine.Runtime;

/// <summary>
/// What the CPU offers for bf16 arithmetic. libtorch's bf16 matrix products are fast only with AVX-512 BF16 or AMX;
/// without them they are emulated: on an AVX2-only EPYC a 512x3072 by 3072x8192 product ran at 5 GFLOP/s in bf16
/// against 58 in float32 (docs/benchmarks.md, full-size run), so bf16 there saves memory but costs ten times the time.
/// </summary>
public static class CpuFeatures
{
    /// <summary>True when the CPU has native bf16 dot products; also true where the flags cannot be read (no warning then).</summary>
    public static bool HasNativeBFloat16 { get; } = ReadHasNativeBFloat16();

    private static bool ReadHasNativeBFloat16()
    {
        try
        {
            var flags = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
            return flags is null || flags.Split(' ').Any(f => f is "avx512_bf16" or "amx_bf16");
        }
        catch (IOException) { return true; }
        catch (UnauthorizedAccessException) { return true; }
    }
}
