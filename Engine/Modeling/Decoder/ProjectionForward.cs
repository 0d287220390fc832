using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.Decoder;

/// <summary>
/// The decoder's bias-free projections (q/k/v, o, gate/up, down, the output head). A float32 model served on an AVX-512
/// CPU runs them through <see cref="CpuFloat32Gemm"/>; everything else (bf16, GPU, autograd for training) through the
/// module's own libtorch linear.
/// <para>
/// Why: libtorch's float32 CPU linear is MKL's sgemm, which on the development CPU (AMD EPYC, AVX-512, one thread)
/// ran the decoder's shapes well below what its FMA units allow, worst for the 32064-wide output head at batch 32
/// (22-27 ms, 38-48 GFLOP/s, against 15 ms here). A whole float32 decode step of the bench preset got 1.31-1.37x
/// faster at batch 32 and 1.2x at batch 1. The kernel also makes a row's projections independent of its batch, which
/// MKL's are not. It was measured only against MKL on that CPU: on another (AMX, many cores) re-measure before trusting it.
/// </para>
/// </summary>
internal static unsafe class ProjectionForward
{
    public static Tensor Apply(Linear projection, Tensor input)
    {
        var weight = projection.weight ?? throw new ArgumentException("a projection without a weight.", nameof(projection));
        if (Supports(input, weight, projection.bias)) return ViaKernel(input, weight);
        return SupportsBFloat16Rows(input, weight, projection.bias) ? ViaBFloat16Kernel(input, weight) : projection.forward(input);
    }

    /// <summary>Off with FLORENCEVL_BF16_GEMV=0, for side-by-side measurements against libtorch's product.</summary>
    private static readonly bool BFloat16KernelEnabled = Environment.GetEnvironmentVariable("FLORENCEVL_BF16_GEMV") != "0";

    private static readonly bool GemvParallel = Environment.GetEnvironmentVariable("FLORENCEVL_GEMV_PARALLEL") == "1";

    /// <summary>bf16 decode rows (1-4) on AVX-512: see <see cref="CpuBFloat16Gemv"/>.</summary>
    private static bool SupportsBFloat16Rows(Tensor input, Tensor weight, Tensor? bias) =>
        BFloat16KernelEnabled && Avx512F.IsSupported && Vector512.IsHardwareAccelerated
        && bias is null
        && !is_grad_enabled()
        && input.dtype == ScalarType.BFloat16 && weight.dtype == ScalarType.BFloat16
        && input.device_type == DeviceType.CPU && weight.device_type == DeviceType.CPU
        && input.dim() >= 1 && weight.dim() == 2 && input.shape[^1] == weight.shape[1] && weight.is_contiguous()
        && CpuBFloat16Gemv.Fits(input.numel() / Math.Max(1, weight.shape[1]), weight.shape[0], weight.shape[1]);

    private static Tensor ViaBFloat16Kernel(Tensor input, Tensor weight)
    {
        using var scope = NewDisposeScope();
        var (n, k) = ((int)weight.shape[0], (int)weight.shape[1]);
        var rows = input.reshape(-1, k).contiguous();
        var m = (int)rows.shape[0];
        var buffer = new float[m * k];
        var output = empty([m, n], ScalarType.BFloat16);
        fixed (float* x = buffer)
        {
            CpuBFloat16Gemv.Widen((ushort*)THSTensor_data(rows.Handle), x, (long)m * k);
            MultiplyBFloat16(x, m, (ushort*)THSTensor_data(weight.Handle), n, k, (ushort*)THSTensor_data(output.Handle));
        }
        long[] shape = [.. input.shape[..^1], n];
        return output.view(shape).MoveToOuterDisposeScope();
    }

    private static void MultiplyBFloat16(float* x, int m, ushort* w, int n, int k, ushort* y)
    {
        var tiles = n / 4;
        // Small products are not worth a fork: the split pays off where the weight is large enough to stream.
        // One thread by default: split over two threads with Parallel.For, every shape of the bench preset ran slower
        // (0.94-1.00x of libtorch against 1.26-1.67x on one thread, `bench projections`, docs/benchmarks.md); a
        // persistent worker may change that, so the split stays behind FLORENCEVL_GEMV_PARALLEL=1 for measuring.
        var workers = !GemvParallel || (long)n * k < 1 << 18 ? 1 : Math.Min(get_num_threads(), tiles);
        if (workers <= 1)
        {
            CpuBFloat16Gemv.Run(x, m, w, n, k, y, 0, n);
            return;
        }
        var (xs, ws, ys) = ((nint)x, (nint)w, (nint)y);
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers },
            i => CpuBFloat16Gemv.Run((float*)xs, m, (ushort*)ws, n, k, (ushort*)ys, i * tiles / workers * 4, (i + 1) * tiles / workers * 4));
    }

    private static bool Supports(Tensor input, Tensor weight, Tensor? bias) =>
        Avx512F.IsSupported && Vector512.IsHardwareAccelerated
        && bias is null
        && !is_grad_enabled()
        && input.dtype == ScalarType.Float32 && weight.dtype == ScalarType.Float32
        && input.device_type == DeviceType.CPU && weight.device_type == DeviceType.CPU
        && input.dim() >= 1 && weight.dim() == 2 && input.shape[^1] == weight.shape[1] && weight.is_contiguous()
        && CpuFloat32Gemm.Fits(weight.shape[0], weight.shape[1]);

    private static Tensor ViaKernel(Tensor input, Tensor weight)
    {
        using var scope = NewDisposeScope();
        var (n, k) = ((int)weight.shape[0], (int)weight.shape[1]);
        var rows = input.reshape(-1, k).contiguous();
        var m = (int)rows.shape[0];
        var output = empty([m, n], ScalarType.Float32);
        if (m > 0) Multiply(Data(rows), m, Data(weight), n, k, Data(output));
        long[] shape = [.. input.shape[..^1], n];
        return output.view(shape).MoveToOuterDisposeScope();
    }

    /// <summary>Output columns split in tile-aligned ranges over libtorch's intra-op thread count, as its own GEMM would be.</summary>
    private static void Multiply(float* x, int m, float* w, int n, int k, float* y)
    {
        var tiles = n / 4;
        var workers = Math.Min(get_num_threads(), tiles);
        if (workers <= 1)
        {
            CpuFloat32Gemm.Run(x, m, w, n, k, y, 0, n);
            return;
        }
        var (xs, ws, ys) = ((nint)x, (nint)w, (nint)y);
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers },
            i => CpuFloat32Gemm.Run((float*)xs, m, (float*)ws, n, k, (float*)ys, i * tiles / workers * 4, (i + 1) * tiles / workers * 4));
    }

    private static float* Data(Tensor tensor) => (float*)THSTensor_data(tensor.Handle);

    // TorchSharp exposes no data pointer; its own native entry point gives the address of element 0.
    [DllImport("LibTorchSharp")]
    private static extern IntPtr THSTensor_data(IntPtr handle);
}
