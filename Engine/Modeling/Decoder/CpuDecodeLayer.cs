using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Modeling.KvCache;
using TorchSharp;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.Decoder;

/// <summary>
/// One bf16 decoder layer for a step of 1-4 decodes on an AVX-512 CPU, run on raw memory: RMSNorm, the fused q/k/v
/// product, rotary, the K/V write, decode attention from the paged cache, o_proj, the residual, RMSNorm, gate/up,
/// SiLU, down and the residual, with the activations in per-thread buffers. The module path does the same in ~25
/// libtorch calls, each with its tensor allocations and dispose-scope bookkeeping: at batch 1 those cost about as much
/// as the layer's products (bench-cpu, 2 threads, weights in cache: 265 us a layer through the modules, 148 us here,
/// the products ~100 us of either). Rounding follows the module path op for op (<see cref="CpuBFloat16Rows"/>).
/// <para>Anything else (float32, a GPU, prefills, gradients, more rows) takes the modules.</para>
/// </summary>
internal static unsafe class CpuDecodeLayer
{
    public const int MaxRows = CpuBFloat16Gemv.MaxRows;
    private const int Lanes = 16;

    /// <summary>Off with FLORENCEVL_FUSED_DECODE=0, for side-by-side measurements against the module path.</summary>
    private static readonly bool Enabled = Environment.GetEnvironmentVariable("FLORENCEVL_FUSED_DECODE") != "0";

    /// <summary>Set by tests on their own thread to get the module path for comparison.</summary>
    [ThreadStatic] internal static bool DisabledOnThisThread;

    /// <summary>Layers this thread ran here, so tests can tell which path a step took.</summary>
    [ThreadStatic] internal static long LayersOnThisThread;

    public static bool Supports(Tensor hidden, TextConfig config, Weights weights, PagedAttentionPlan plan, PagedKvCache cache) =>
        Enabled && !DisabledOnThisThread
        && weights.All.All(w => w.dtype == ScalarType.BFloat16 && w.device_type == DeviceType.CPU && w.is_contiguous())
        && hidden.device_type == DeviceType.CPU && hidden.dtype == ScalarType.BFloat16 && cache.DType == ScalarType.BFloat16
        && !is_grad_enabled() && !hidden.requires_grad
        && hidden.dim() == 2 && hidden.shape[0] is >= 1 and <= MaxRows && hidden.is_contiguous()
        && plan.Prefills.Count == 0 && plan.Decodes is { TokenRows: null, HostBlockIds: not null } decodes && decodes.Count == hidden.shape[0]
        && plan.HostSlotMapping is not null
        && CpuDecodeAttention.Supports(hidden, cache)
        // Whole vectors everywhere; then every product also has whole 4-row tiles (CpuBFloat16Gemv.Fits).
        && config.HiddenSize % Lanes == 0 && config.IntermediateSize % Lanes == 0 && config.HeadDim % Lanes == 0;

    /// <summary>The layer's weights as the modules hold them (bf16, contiguous, [out, in]).</summary>
    public sealed record Weights(Tensor InputNorm, Tensor QkvProj, Tensor OProj, Tensor PostAttentionNorm, Tensor GateUpProj, Tensor DownProj)
    {
        public IEnumerable<Tensor> All => [InputNorm, QkvProj, OProj, PostAttentionNorm, GateUpProj, DownProj];
    }

    /// <returns>The layer's output [rows, hidden], a new bf16 tensor.</returns>
    public static Tensor Forward(int layer, TextConfig config, Weights weights, Tensor hidden, RotaryAngles rope, PagedAttentionPlan plan, PagedKvCache cache)
    {
        LayersOnThisThread++;
        var rows = (int)hidden.shape[0];
        var (size, intermediate, headDim) = (config.HiddenSize, config.IntermediateSize, config.HeadDim);
        var (heads, kvHeads) = (config.NumAttentionHeads, config.NumKeyValueHeads);
        var qkvSize = config.QkvOutputSize;
        var eps = (float)config.RmsNormEps;
        var output = empty([rows, size], ScalarType.BFloat16);
        using var cos = rope.Cos.is_contiguous() ? null : rope.Cos.contiguous();
        using var sin = rope.Sin.is_contiguous() ? null : rope.Sin.contiguous();
        var buffers = Scratch.For(rows, config);
        var x = (ushort*)Data(hidden);
        var y = (ushort*)Data(output);

        // Attention: norm, q/k/v, rotary on q and k (adjacent heads of the fused row), K/V into the cache, attend, o_proj.
        CpuBFloat16Rows.RmsNorm(x, (ushort*)Data(weights.InputNorm), eps, rows, size, buffers.Input);
        Multiply(buffers.Input, rows, weights.QkvProj, qkvSize, size, buffers.Qkv);
        CpuBFloat16Rows.Rotate(buffers.Qkv, rows, qkvSize, heads + kvHeads, headDim, (ushort*)Data(cos ?? rope.Cos), (ushort*)Data(sin ?? rope.Sin));
        WriteKeysAndValues(layer, buffers.Qkv, rows, config, plan.HostSlotMapping!, cache);
        for (var r = 0; r < rows; r++) Widen(buffers.Qkv + (long)r * qkvSize, buffers.Queries + (long)r * heads * headDim, heads * headDim);
        CpuDecodeAttention.Attend(layer, buffers.Queries, buffers.Attended, rows, heads, plan.Decodes!, cache);
        CpuBFloat16Rows.RoundInPlace(buffers.Attended, (long)rows * heads * headDim);
        Multiply(buffers.Attended, rows, weights.OProj, size, heads * headDim, buffers.Projected);
        CpuBFloat16Rows.Add(x, buffers.Projected, (long)rows * size, buffers.Residual);

        // Feed-forward: norm, gate/up, SiLU(gate) * up, down, residual.
        CpuBFloat16Rows.RmsNorm(buffers.Residual, (ushort*)Data(weights.PostAttentionNorm), eps, rows, size, buffers.Input);
        Multiply(buffers.Input, rows, weights.GateUpProj, 2 * intermediate, size, buffers.GateUp);
        CpuBFloat16Rows.SiluTimesUp(buffers.GateUp, rows, intermediate, buffers.Gated);
        Multiply(buffers.Gated, rows, weights.DownProj, size, intermediate, buffers.Projected);
        CpuBFloat16Rows.Add(buffers.Residual, buffers.Projected, (long)rows * size, y);
        return output;
    }

    private static void Multiply(float* x, int rows, Tensor weight, int outputs, int inputs, ushort* y) =>
        ProjectionForward.MultiplyBFloat16(x, rows, (ushort*)Data(weight), outputs, inputs, y);

    /// <summary>Each row's k and v heads (after q in the fused row) into its slot of every KV head's block storage.</summary>
    private static void WriteKeysAndValues(int layer, ushort* qkv, int rows, TextConfig config, long[] slots, PagedKvCache cache)
    {
        var (heads, kvHeads, headDim) = (config.NumAttentionHeads, config.NumKeyValueHeads, config.HeadDim);
        var keys = (ushort*)cache.LayerData(layer, values: false);
        var values = (ushort*)cache.LayerData(layer, values: true);
        var rowBytes = headDim * sizeof(ushort);
        for (var r = 0; r < rows; r++)
        {
            if ((ulong)slots[r] >= (ulong)cache.NumSlots) throw new ArgumentException($"slot {slots[r]} is outside the cache's {cache.NumSlots}.");
            var row = qkv + (long)r * config.QkvOutputSize;
            for (var h = 0; h < kvHeads; h++)
            {
                var target = ((long)h * cache.NumSlots + slots[r]) * headDim;
                Buffer.MemoryCopy(row + (long)(heads + h) * headDim, keys + target, rowBytes, rowBytes);
                Buffer.MemoryCopy(row + (long)(heads + kvHeads + h) * headDim, values + target, rowBytes, rowBytes);
            }
        }
    }

    /// <summary>bf16 to float32, 16 at a time (CpuBFloat16Gemv.Widen does the same one element at a time, for any count).</summary>
    private static void Widen(ushort* source, float* target, int count)
    {
        for (var i = 0; i < count; i += Lanes) CpuBFloat16Rows.Load(source + i).Store(target + i);
    }

    /// <summary>A thread's activation buffers, grown to the largest layer shapes it has served; pinned, never freed.</summary>
    private sealed class Scratch
    {
        [ThreadStatic] private static Scratch? _current;

        private readonly Sizes _sizes;
        private readonly byte[] _memory;

        public readonly float* Input, Queries, Attended, Gated;
        public readonly ushort* Qkv, Projected, Residual, GateUp;

        /// <summary>Per-row element counts: hidden, attention heads x head_dim, fused q/k/v, intermediate.</summary>
        private readonly record struct Sizes(long Hidden, long Attention, long Qkv, long Intermediate)
        {
            public static Sizes Of(TextConfig c) => new(c.HiddenSize, (long)c.NumAttentionHeads * c.HeadDim, c.QkvOutputSize, c.IntermediateSize);

            public bool Covers(Sizes other) => Hidden >= other.Hidden && Attention >= other.Attention && Qkv >= other.Qkv && Intermediate >= other.Intermediate;

            public Sizes Max(Sizes other) => new(Math.Max(Hidden, other.Hidden), Math.Max(Attention, other.Attention),
                Math.Max(Qkv, other.Qkv), Math.Max(Intermediate, other.Intermediate));
        }

        private Scratch(Sizes sizes)
        {
            _sizes = sizes;
            const int rows = MaxRows;
            long[] floats = [rows * Math.Max(sizes.Hidden, sizes.Attention), rows * sizes.Attention, rows * sizes.Attention, rows * sizes.Intermediate];
            long[] halves = [rows * sizes.Qkv, rows * sizes.Hidden, rows * sizes.Hidden, rows * 2 * sizes.Intermediate];
            var bytes = floats.Sum(f => Align(f * 4)) + halves.Sum(h => Align(h * 2)) + 64;
            _memory = GC.AllocateUninitializedArray<byte>(checked((int)bytes), pinned: true);
            var next = (byte*)(((nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_memory)) + 63) & ~(nint)63);
            Input = (float*)Take(ref next, floats[0] * 4);
            Queries = (float*)Take(ref next, floats[1] * 4);
            Attended = (float*)Take(ref next, floats[2] * 4);
            Gated = (float*)Take(ref next, floats[3] * 4);
            Qkv = (ushort*)Take(ref next, halves[0] * 2);
            Projected = (ushort*)Take(ref next, halves[1] * 2);
            Residual = (ushort*)Take(ref next, halves[2] * 2);
            GateUp = (ushort*)Take(ref next, halves[3] * 2);
        }

        public static Scratch For(int rows, TextConfig config)
        {
            if (rows > MaxRows) throw new ArgumentOutOfRangeException(nameof(rows));
            var sizes = Sizes.Of(config);
            if (_current is { } current && current._sizes.Covers(sizes)) return current;
            return _current = new Scratch(_current is null ? sizes : _current._sizes.Max(sizes));
        }

        private static byte* Take(ref byte* next, long bytes)
        {
            var start = next;
            next += Align(bytes);
            return start;
        }

        private static long Align(long bytes) => (bytes + 63) & ~63L;
    }

    private static nint Data(Tensor tensor) => (nint)Runtime.TensorMemory.Address(tensor);
}
