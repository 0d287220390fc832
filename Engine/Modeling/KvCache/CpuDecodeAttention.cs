using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TorchSharp;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.KvCache;

/// <summary>
/// Decode attention on the CPU read straight from the paged cache, in float32 with AVX-512: for each (sequence, KV head)
/// the scores, softmax and weighted sum run over the sequence's blocks where they lie. The libtorch form has to gather
/// every decode's padded blocks into a new tensor per layer and then read it again in two tiny-matrix bf16 batched
/// matmuls; at batch 32 that gather-then-multiply was ~2 ms of a ~4.5 ms layer, while this reads each cached K/V row
/// once. Scores and probabilities stay float32 (HF's eager attention rounds bf16 scores to bf16 first), so bf16 results
/// are at least as close to a float32 reference as the libtorch form's.
/// </summary>
internal static unsafe class CpuDecodeAttention
{
    private const int Lanes = 16; // floats per Vector512

    /// <summary>Inference only: a query that needs gradients (training) takes the libtorch form, which autograd can follow.</summary>
    public static bool Supports(Tensor q, PagedKvCache cache) =>
        Vector512.IsHardwareAccelerated
        && !q.requires_grad
        && q.device_type == DeviceType.CPU
        && cache.DType is ScalarType.BFloat16 or ScalarType.Float32
        && cache.HeadDim % Lanes == 0;

    /// <param name="q">[numDecodes, heads, headDim], rows in the order of <paramref name="batch"/>.</param>
    /// <returns>[numDecodes, heads, headDim] in q's dtype.</returns>
    public static Tensor Attend(int layer, Tensor q, DecodeBatch batch, PagedKvCache cache)
    {
        using var scope = NewDisposeScope();
        var (numTokens, heads, headDim) = ((int)q.shape[0], (int)q.shape[1], (int)q.shape[2]);
        var queries = q.to_type(ScalarType.Float32).contiguous();
        var output = empty([numTokens, heads, headDim], ScalarType.Float32);
        var hostBlockIds = batch.HostBlockIds ?? throw new ArgumentException("the CPU decode attention needs the block tables on the host.", nameof(batch));
        if (Array.FindIndex(hostBlockIds, id => id < 0 || id >= cache.NumBlocks) is var bad and >= 0)
            throw new ArgumentException($"block id {hostBlockIds[bad]} is outside the cache's {cache.NumBlocks} blocks.", nameof(batch));
        var work = new Work(new Layout(cache, heads, batch.MaxBlocks), hostBlockIds, batch.ContextLengths, batch.MaxBlocks,
            TensorData(cache.Keys(layer)), TensorData(cache.Values(layer)), TensorData(queries), TensorData(output), heads, cache.NumKvHeads);
        var pairs = numTokens * cache.NumKvHeads;
        // Follows libtorch's intra-op thread count, so a server given many cores uses them here as in the matmuls.
        var workers = Math.Min(get_num_threads(), pairs);
        if (workers <= 1) work.Run(0, pairs, batch.PaddedContext);
        else Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers },
            w => work.Run(w * pairs / workers, (w + 1) * pairs / workers, batch.PaddedContext));
        return output.to_type(q.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>What every (sequence, KV head) pair reads and writes; pointers as nint so workers can share it.</summary>
    private sealed class Work(Layout layout, int[] blockIds, int[] contextLengths, int maxBlocks, nint keys, nint values,
        nint queries, nint output, int heads, int kvHeads)
    {
        /// <summary>Pairs [start, end), pair p being sequence p / kvHeads and KV head p % kvHeads.</summary>
        public void Run(int start, int end, int paddedContext)
        {
            var scores = ArrayPool<float>.Shared.Rent(layout.Groups * paddedContext);
            try
            {
                fixed (float* scoreBuffer = scores)
                fixed (int* tables = blockIds)
                for (var p = start; p < end; p++)
                {
                    var (n, kvHead) = (p / kvHeads, p % kvHeads);
                    var rowOffset = ((long)n * heads + kvHead * layout.Groups) * layout.HeadDim;
                    var context = new Context(tables + n * maxBlocks, contextLengths[n], layout, kvHead);
                    AttendOne(context, (byte*)keys, (byte*)values, (float*)queries + rowOffset, (float*)output + rowOffset, scoreBuffer);
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(scores);
            }
        }
    }

    /// <summary>Element strides of the cache ([kvHeads, numBlocks, blockSize, headDim]) and the head grouping.</summary>
    private readonly record struct Layout(int BlockSize, int HeadDim, long HeadStride, int Groups, int ElementSize, bool IsBf16)
    {
        public Layout(PagedKvCache cache, int heads, int maxBlocks)
            : this(cache.BlockSize, cache.HeadDim, (long)cache.NumBlocks * cache.BlockSize * cache.HeadDim, heads / cache.NumKvHeads,
                cache.DType == ScalarType.BFloat16 ? 2 : 4, cache.DType == ScalarType.BFloat16)
        {
            if (maxBlocks < 1) throw new ArgumentOutOfRangeException(nameof(maxBlocks), "a decode needs at least one block.");
        }
    }

    /// <summary>One (sequence, KV head): its block table and context length.</summary>
    private readonly struct Context(int* blockIds, int length, Layout layout, int kvHead)
    {
        public int Length { get; } = length;
        public Layout Layout { get; } = layout;
        private int* BlockIds { get; } = blockIds;
        private int KvHead { get; } = kvHead;

        /// <summary>Byte offset of token <paramref name="t"/>'s row of this head.</summary>
        public long RowOffset(int t) =>
            (KvHead * Layout.HeadStride + ((long)BlockIds[t / Layout.BlockSize] * Layout.BlockSize + t % Layout.BlockSize) * Layout.HeadDim) * Layout.ElementSize;
    }

    private static void AttendOne(Context context, byte* keys, byte* values, float* queries, float* output, float* scores)
    {
        var layout = context.Layout;
        var vectors = layout.HeadDim / Lanes;
        var scale = 1f / MathF.Sqrt(layout.HeadDim);
        var length = context.Length;
        var query = stackalloc Vector512<float>[vectors];
        var accumulator = stackalloc Vector512<float>[vectors];
        for (var g = 0; g < layout.Groups; g++)
        {
            var row = scores + g * length;
            for (var v = 0; v < vectors; v++) query[v] = Vector512.Load(queries + g * layout.HeadDim + v * Lanes) * scale;
            for (var t = 0; t < length; t++)
            {
                if (t % layout.BlockSize == 0)
                {
                    PrefetchBlock(keys, context, t + layout.BlockSize);
                    PrefetchBlock(values, context, t);
                }
                row[t] = Dot(query, keys + context.RowOffset(t), vectors, layout.IsBf16);
            }
            var inverseSum = 1f / SoftmaxNumerators(row, length);
            for (var v = 0; v < vectors; v++) accumulator[v] = Vector512<float>.Zero;
            for (var t = 0; t < length; t++)
            {
                if (t % layout.BlockSize == 0) PrefetchBlock(values, context, t + layout.BlockSize);
                Axpy(row[t], values + context.RowOffset(t), accumulator, vectors, layout.IsBf16);
            }
            for (var v = 0; v < vectors; v++) (accumulator[v] * inverseSum).Store(output + g * layout.HeadDim + v * Lanes);
        }
    }

    /// <summary>
    /// Asks for the block holding token <paramref name="t"/> ahead of use. A sequence's blocks lie anywhere in the pool,
    /// so each one starts with a cache miss the hardware prefetcher cannot foresee; with interleaved block tables (the
    /// engine's, sequences growing together) these misses cost ~10% of a batch-32 decode step.
    /// </summary>
    private static void PrefetchBlock(byte* cache, Context context, int t)
    {
        if (!Sse.IsSupported || t >= context.Length) return;
        var layout = context.Layout;
        var start = cache + context.RowOffset(t - t % layout.BlockSize);
        var bytes = layout.BlockSize * layout.HeadDim * layout.ElementSize;
        for (var offset = 0; offset < bytes; offset += 64) Sse.Prefetch0(start + offset);
    }

    private static float Dot(Vector512<float>* query, byte* row, int vectors, bool bf16)
    {
        var sum = Vector512<float>.Zero;
        for (var v = 0; v < vectors; v++)
            sum += query[v] * Load(row, v, bf16);
        return Vector512.Sum(sum);
    }

    private static void Axpy(float weight, byte* row, Vector512<float>* accumulator, int vectors, bool bf16)
    {
        var w = Vector512.Create(weight);
        for (var v = 0; v < vectors; v++)
            accumulator[v] += w * Load(row, v, bf16);
    }

    /// <summary>Elements 16v..16v+15 of a cached row as floats (a bfloat16 is the upper half of a float32).</summary>
    private static Vector512<float> Load(byte* row, int v, bool bf16) => bf16
        ? Vector512.ShiftLeft(Vector512.WidenLower(Vector256.Load((ushort*)row + v * Lanes).ToVector512Unsafe()), 16).AsSingle()
        : Vector512.Load((float*)row + v * Lanes);

    /// <summary>Replaces scores by exp(score - max) and returns their sum.</summary>
    private static float SoftmaxNumerators(float* row, int length)
    {
        var max = float.NegativeInfinity;
        for (var t = 0; t < length; t++) max = MathF.Max(max, row[t]);
        var t0 = 0;
        var sums = Vector512<float>.Zero;
        var shift = Vector512.Create(max);
        for (; t0 + Lanes <= length; t0 += Lanes)
        {
            var e = Vector512.Exp(Vector512.Load(row + t0) - shift);
            e.Store(row + t0);
            sums += e;
        }
        var sum = Vector512.Sum(sums);
        for (; t0 < length; t0++)
        {
            row[t0] = MathF.Exp(row[t0] - max);
            sum += row[t0];
        }
        return sum;
    }

    // TorchSharp exposes no data pointer; its own native entry point gives the address of element 0 (offset included).
    [DllImport("LibTorchSharp")]
    private static extern IntPtr THSTensor_data(IntPtr handle);

    private static IntPtr TensorData(Tensor tensor)
    {
        if (!tensor.is_contiguous()) throw new ArgumentException("raw access needs a contiguous tensor.", nameof(tensor));
        return THSTensor_data(tensor.Handle);
    }
}
