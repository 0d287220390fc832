using System.Runtime.Intrinsics;

namespace FlorenceVL.Engine.Runtime;

/// <summary>
/// What the CPU offers for bf16 arithmetic. libtorch's bf16 matrix products are fast only with AVX-512 BF16 or AMX;
/// without them they are emulated: on an AVX2-only EPYC a 512x3072 by 3072x8192 product ran at 5 GFLOP/s in bf16
/// against 58 in float32 (docs/benchmarks.md, full-size run), so bf16 there saves memory but costs ten times the time.
/// </summary>
public static class CpuFeatures
{
    /// <summary>The CPU's flags say native bf16 dot products (AVX-512 BF16 or AMX); null where they cannot be read.</summary>
    private static readonly bool? NativeBFloat16Flag = ReadNativeBFloat16Flag();

    /// <summary>True when the CPU has native bf16 dot products; also true where the flags cannot be read (no warning then).</summary>
    public static bool HasNativeBFloat16 => NativeBFloat16Flag ?? true;

    /// <summary>
    /// Whether <c>DType auto</c> serves bf16 on this CPU: native bf16 products (libtorch's prefill GEMMs) and AVX-512 (the
    /// engine's bf16 decode kernels), both confirmed. There bf16 decodes 3-3.9x faster than float32 with the same greedy
    /// tokens in every parity fixture (docs/benchmarks.md); anywhere in doubt, float32.
    /// </summary>
    public static bool PrefersBFloat16 => NativeBFloat16Flag == true && Vector512.IsHardwareAccelerated;

    private static bool? ReadNativeBFloat16Flag()
    {
        try
        {
            var flags = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
            return flags?.Split(' ').Any(f => f is "avx512_bf16" or "amx_bf16");
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
