using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TorchSharp;
using FlorenceVL.Engine.Runtime;
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

    /// <summary>Off with FLORENCEVL_GEMV_PARALLEL=0: every product on the calling thread, for side-by-side measurements.</summary>
    private static readonly bool GemvParallel = Environment.GetEnvironmentVariable("FLORENCEVL_GEMV_PARALLEL") != "0";

    /// <summary>bf16 decode rows (1-4) on AVX-512: see <see cref="CpuBFloat16Gemv"/>.</summary>
    private static bool SupportsBFloat16Rows(Tensor input, Tensor weight, Tensor? bias) =>
        BFloat16KernelEnabled && Avx512F.IsSupported && Vector512.IsHardwareAccelerated
        && bias is null
        && !is_grad_enabled()
        && input.dtype == ScalarType.BFloat16 && weight.dtype == ScalarType.BFloat16
        && input.device_type == DeviceType.CPU && weight.device_type == DeviceType.CPU
        && input.dim() >= 1 && weight.dim() == 2 && input.shape[^1] == weight.shape[1] && weight.is_contiguous()
        && CpuBFloat16Gemv.Fits(input.numel() / Math.Max(1, weight.shape[1]), weight.shape[0], weight.shape[1]);

    /// <summary>
    /// Written for the batch-1 step, where each call is tens of microseconds: the input is read in place when it is
    /// contiguous, widened into a per-thread buffer, and the output allocated once in its final shape.
    /// </summary>
    private static Tensor ViaBFloat16Kernel(Tensor input, Tensor weight)
    {
        var (n, k) = ((int)weight.shape[0], (int)weight.shape[1]);
        var m = (int)(input.numel() / k);
        var shape = input.shape;
        shape[^1] = n;
        var output = empty(shape, ScalarType.BFloat16);
        var widened = WidenedInput(m * k);
        using var contiguous = input.is_contiguous() ? null : input.contiguous();
        fixed (float* x = widened)
        {
            CpuBFloat16Gemv.Widen((ushort*)THSTensor_data((contiguous ?? input).Handle), x, (long)m * k);
            MultiplyBFloat16(x, m, (ushort*)THSTensor_data(weight.Handle), n, k, (ushort*)THSTensor_data(output.Handle));
        }
        return output;
    }

    [ThreadStatic] private static float[]? _widenedInput;

    private static float[] WidenedInput(int length) =>
        _widenedInput is { } buffer && buffer.Length >= length ? buffer : _widenedInput = new float[Math.Max(length, 4096)];

    /// <summary>
    /// Products of at least this many weights are split over <see cref="KernelTeam"/>: at batch 1 every product of the
    /// bench preset (the 512x512 o_proj is 2^18) streams from memory faster on two cores than on one (`bench projections`).
    /// </summary>
    private const long ParallelWeights = 1 << 17;

    /// <summary>y[m, n] (bf16) = x[m, k] (float32, widened bf16 values) . w[n, k]^T (bf16), split over the kernel team when large.</summary>
    internal static void MultiplyBFloat16(float* x, int m, ushort* w, int n, int k, ushort* y)
    {
        var parts = GemvParallel && (long)n * k >= ParallelWeights ? Math.Min(KernelTeam.Width, n / 4) : 1;
        if (parts <= 1)
        {
            CpuBFloat16Gemv.Run(x, m, w, n, k, y, 0, n);
            return;
        }
        var job = _bfloat16Job ??= new BFloat16GemvJob();
        job.Set(x, m, w, n, k, y);
        KernelTeam.Run(job, parts);
    }

    [ThreadStatic] private static BFloat16GemvJob? _bfloat16Job;

    /// <summary>Part i of parts takes the i-th tile-aligned range of output columns.</summary>
    private sealed class BFloat16GemvJob : KernelJob
    {
        private float* _x;
        private ushort* _w, _y;
        private int _m, _n, _k;

        public void Set(float* x, int m, ushort* w, int n, int k, ushort* y)
        {
            _x = x;
            _w = w;
            _y = y;
            (_m, _n, _k) = (m, n, k);
        }

        public override void RunPart(int part, int parts)
        {
            var tiles = _n / 4;
            CpuBFloat16Gemv.Run(_x, _m, _w, _n, _k, _y, part * tiles / parts * 4, (part + 1) * tiles / parts * 4);
        }
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

    /// <summary>
    /// Output columns split in tile-aligned ranges over <see cref="KernelTeam"/> (libtorch's intra-op thread count), as
    /// its own GEMM would be. Parallel.For did the same with a fork and join through the thread pool per product,
    /// microseconds each at batch 1 (`bench single --dtype float32`, docs/benchmarks.md).
    /// </summary>
    private static void Multiply(float* x, int m, float* w, int n, int k, float* y)
    {
        var parts = Math.Min(KernelTeam.Width, n / 4);
        if (parts <= 1)
        {
            CpuFloat32Gemm.Run(x, m, w, n, k, y, 0, n);
            return;
        }
        var job = _float32Job ??= new Float32GemmJob();
        job.Set(x, m, w, n, k, y);
        KernelTeam.Run(job, parts);
    }

    [ThreadStatic] private static Float32GemmJob? _float32Job;

    /// <summary>Part i of parts takes the i-th tile-aligned range of output columns.</summary>
    private sealed class Float32GemmJob : KernelJob
    {
        private float* _x, _w, _y;
        private int _m, _n, _k;

        public void Set(float* x, int m, float* w, int n, int k, float* y)
        {
            _x = x;
            _w = w;
            _y = y;
            (_m, _n, _k) = (m, n, k);
        }

        public override void RunPart(int part, int parts)
        {
            var tiles = _n / 4;
            CpuFloat32Gemm.Run(_x, _m, _w, _n, _k, _y, part * tiles / parts * 4, (part + 1) * tiles / parts * 4);
        }
    }

    private static float* Data(Tensor tensor) => (float*)THSTensor_data(tensor.Handle);

    // TorchSharp exposes no data pointer; its own native entry point gives the address of element 0.
    [DllImport("LibTorchSharp")]
    private static extern IntPtr THSTensor_data(IntPtr handle);
}
