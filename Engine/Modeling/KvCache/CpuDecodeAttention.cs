using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using FlorenceVL.Engine.Runtime;
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
/// <para>
/// At batch 32 the cached K/V a step reads (float32: 17 MiB per layer at context 130) do not fit the CPU caches, so
/// the kernel is bound by how fast blocks arrive from memory: it walks each pair's blocks in order with the next pair's
/// blocks queued behind them (<see cref="PrefetchBlocks"/>), and is written per block (no per-token address arithmetic,
/// accumulators in registers, one format-specialised loop per dtype).
/// </para>
/// <para>
/// The loops are optimised at first call: their tier-0 code ran 5-10x slower (bench-cpu, batch 1: ~300 against ~30 us
/// a layer), and tiering up waits until the process stops compiling new methods, which a server's first requests do.
/// </para>
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
        Attend(layer, (float*)TensorData(queries), (float*)TensorData(output), numTokens, heads, batch, cache);
        return output.to_type(q.dtype).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The same on raw float32 rows: <paramref name="queries"/> and <paramref name="output"/> are [numTokens, heads,
    /// headDim], contiguous. For callers that keep a decode step's activations in buffers of their own.
    /// </summary>
    internal static void Attend(int layer, float* queries, float* output, int numTokens, int heads, DecodeBatch batch, PagedKvCache cache)
    {
        var hostBlockIds = batch.HostBlockIds ?? throw new ArgumentException("the CPU decode attention needs the block tables on the host.", nameof(batch));
        if (Array.FindIndex(hostBlockIds, id => id < 0 || id >= cache.NumBlocks) is var bad and >= 0)
            throw new ArgumentException($"block id {hostBlockIds[bad]} is outside the cache's {cache.NumBlocks} blocks.", nameof(batch));
        var work = _work ??= new Work();
        work.Set(new Layout(cache, heads, batch.MaxBlocks), batch, cache.LayerData(layer, values: false), cache.LayerData(layer, values: true),
            (nint)queries, (nint)output, heads, cache.NumKvHeads);
        var pairs = numTokens * cache.NumKvHeads;
        // As many parts as libtorch has intra-op threads, so a server given many cores uses them here as in the products.
        KernelTeam.Run(work, Math.Min(KernelTeam.Width, pairs));
    }

    [ThreadStatic] private static Work? _work;

    /// <summary>What every (sequence, KV head) pair reads and writes; reused call after call by its thread.</summary>
    private sealed class Work : KernelJob
    {
        private Layout _layout;
        private int[] _blockIds = [], _contextLengths = [];
        private int _maxBlocks, _paddedContext, _heads, _kvHeads, _pairs;
        private nint _keys, _values, _queries, _output;

        public void Set(Layout layout, DecodeBatch batch, nint keys, nint values, nint queries, nint output, int heads, int kvHeads)
        {
            _layout = layout;
            (_blockIds, _contextLengths, _maxBlocks, _paddedContext) = (batch.HostBlockIds!, batch.ContextLengths, batch.MaxBlocks, batch.PaddedContext);
            (_keys, _values, _queries, _output, _heads, _kvHeads) = (keys, values, queries, output, heads, kvHeads);
            _pairs = batch.Count * kvHeads;
        }

        /// <summary>Part i of parts takes the i-th run of pairs, pair p being sequence p / kvHeads and KV head p % kvHeads.</summary>
        public override void RunPart(int part, int parts) => Run(part * _pairs / parts, (part + 1) * _pairs / parts);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Run(int start, int end)
        {
            if (start >= end) return;
            var scores = ArrayPool<float>.Shared.Rent(_layout.Groups * _paddedContext);
            try
            {
                fixed (float* scoreBuffer = scores)
                fixed (int* tables = _blockIds)
                for (var p = start; p < end; p++)
                {
                    var rowOffset = ((long)(p / _kvHeads) * _heads + p % _kvHeads * _layout.Groups) * _layout.HeadDim;
                    var next = p + 1 < end ? PairContext(tables, p + 1) : (Context?)null;
                    var pair = new Pair(PairContext(tables, p), next, (byte*)_keys, (byte*)_values);
                    if (_layout.IsBf16) AttendOne<Bf16Rows>(pair, (float*)_queries + rowOffset, (float*)_output + rowOffset, scoreBuffer);
                    else AttendOne<Float32Rows>(pair, (float*)_queries + rowOffset, (float*)_output + rowOffset, scoreBuffer);
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(scores);
            }
        }

        private Context PairContext(int* tables, int p) =>
            new(tables + p / _kvHeads * _maxBlocks, _contextLengths[p / _kvHeads], _layout, p % _kvHeads);
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

        public int RowBytes => HeadDim * ElementSize;
        public int Vectors => HeadDim / Lanes;
    }

    /// <summary>One (sequence, KV head): its block table and context length.</summary>
    private readonly struct Context(int* blockIds, int length, Layout layout, int kvHead)
    {
        public int Length { get; } = length;
        public Layout Layout { get; } = layout;
        public int NumBlocks => (Length + Layout.BlockSize - 1) / Layout.BlockSize;
        private int* BlockIds { get; } = blockIds;
        private int KvHead { get; } = kvHead;

        /// <summary>The first row of this head in its <paramref name="b"/>-th block, within one layer's K or V.</summary>
        public byte* Block(byte* keysOrValues, int b) =>
            keysOrValues + (KvHead * Layout.HeadStride + (long)BlockIds[b] * Layout.BlockSize * Layout.HeadDim) * Layout.ElementSize;

        /// <summary>Tokens of the <paramref name="b"/>-th block that belong to the context (the last block may be partly filled).</summary>
        public int TokensIn(int b) => Math.Min(Layout.BlockSize, Length - b * Layout.BlockSize);
    }

    /// <summary>
    /// A pair and the one worked on after it, and where the layer's K and V start. Reading runs K blocks, then V blocks,
    /// then the next pair's K blocks: <see cref="Ahead"/> names the block <see cref="PrefetchBlocks"/> steps down that stream.
    /// </summary>
    private readonly struct Pair(Context context, Context? next, byte* keys, byte* values)
    {
        public Context Context { get; } = context;
        public byte* Keys { get; } = keys;
        public byte* Values { get; } = values;

        /// <summary>The block PrefetchBlocks after K block <paramref name="b"/> (values: false) or V block b (values: true), or null past the end.</summary>
        public byte* Ahead(int b, bool values)
        {
            var ahead = b + PrefetchBlocks;
            var blocks = Context.NumBlocks;
            if (ahead < blocks) return Context.Block(values ? Values : Keys, ahead);
            if (!values) return ahead - blocks < blocks ? Context.Block(Values, ahead - blocks) : null;
            return next is { } n && ahead - blocks < n.NumBlocks ? n.Block(Keys, ahead - blocks) : null;
        }
    }

    /// <summary>
    /// Blocks read ahead of use. Each block lies anywhere in the pool, so the hardware prefetcher cannot foresee it (a
    /// 4 KiB float32 block is a page of its own); fetching rows a few blocks ahead, one row per row processed, keeps
    /// enough misses in flight without bursts. Measured at batch 32, context 130, scattered tables: one block ahead
    /// 21-25 ms per step (float32, 8 layers), two to four ahead 13-15 ms.
    /// </summary>
    private const int PrefetchBlocks = 3;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AttendOne<TRows>(Pair pair, float* queries, float* output, float* scores) where TRows : IRowFormat
    {
        var context = pair.Context;
        var layout = context.Layout;
        var vectors = layout.Vectors;
        var scale = 1f / MathF.Sqrt(layout.HeadDim);
        var query = stackalloc Vector512<float>[layout.Groups * vectors];
        for (var g = 0; g < layout.Groups; g++)
            for (var v = 0; v < vectors; v++) query[g * vectors + v] = Vector512.Load(queries + g * layout.HeadDim + v * Lanes) * scale;
        Scores<TRows>(pair, query, scores);
        for (var g = 0; g < layout.Groups; g++)
        {
            var row = scores + g * context.Length;
            var inverseSum = 1f / SoftmaxNumerators(row, context.Length);
            // The last group's pass runs the prefetch stream on (the earlier ones re-read values already cached).
            WeightedSum<TRows>(pair, row, inverseSum, output + g * layout.HeadDim, prefetch: g == layout.Groups - 1);
        }
    }

    /// <summary>scores[g * length + t] = q_g . k_t, each cached K row read once for all the query heads of its KV head.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scores<TRows>(Pair pair, Vector512<float>* query, float* scores) where TRows : IRowFormat
    {
        var context = pair.Context;
        var (layout, length) = (context.Layout, context.Length);
        var vectors = layout.Vectors;
        for (var b = 0; b < context.NumBlocks; b++)
        {
            var row = context.Block(pair.Keys, b);
            var ahead = pair.Ahead(b, values: false);
            var first = b * layout.BlockSize;
            var count = context.TokensIn(b);
            for (var j = 0; j < count; j++, row += layout.RowBytes)
            {
                if (ahead != null) Prefetch(ahead + j * layout.RowBytes, layout.RowBytes);
                for (var g = 0; g < layout.Groups; g++)
                {
                    var q = query + g * vectors;
                    var sum = Vector512<float>.Zero;
                    for (var v = 0; v < vectors; v++) sum += q[v] * TRows.Load(row, v);
                    scores[g * length + first + j] = Vector512.Sum(sum);
                }
            }
        }
    }

    /// <summary>
    /// output = inverseSum * sum_t weights[t] * v_t. Four vectors of the head at a time stay in registers over a block's
    /// rows (every lane still adds its tokens in order, so the result is the row-at-a-time one bit for bit).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightedSum<TRows>(Pair pair, float* weights, float inverseSum, float* output, bool prefetch) where TRows : IRowFormat
    {
        var context = pair.Context;
        var layout = context.Layout;
        var vectors = layout.Vectors;
        var accumulator = stackalloc Vector512<float>[vectors];
        for (var v = 0; v < vectors; v++) accumulator[v] = Vector512<float>.Zero;
        for (var b = 0; b < context.NumBlocks; b++)
        {
            var block = context.Block(pair.Values, b);
            var ahead = prefetch ? pair.Ahead(b, values: true) : null;
            var w = weights + b * layout.BlockSize;
            var count = context.TokensIn(b);
            var v0 = 0;
            for (; v0 + 4 <= vectors; v0 += 4)
            {
                var (a0, a1, a2, a3) = (accumulator[v0], accumulator[v0 + 1], accumulator[v0 + 2], accumulator[v0 + 3]);
                var row = block;
                for (var j = 0; j < count; j++, row += layout.RowBytes)
                {
                    if (ahead != null) Prefetch(ahead + j * layout.RowBytes, layout.RowBytes);
                    var weight = Vector512.Create(w[j]);
                    a0 += weight * TRows.Load(row, v0);
                    a1 += weight * TRows.Load(row, v0 + 1);
                    a2 += weight * TRows.Load(row, v0 + 2);
                    a3 += weight * TRows.Load(row, v0 + 3);
                }
                (accumulator[v0], accumulator[v0 + 1], accumulator[v0 + 2], accumulator[v0 + 3]) = (a0, a1, a2, a3);
                ahead = null; // fetched on the first pass over the block
            }
            for (; v0 < vectors; v0++)
            {
                var a = accumulator[v0];
                var row = block;
                for (var j = 0; j < count; j++, row += layout.RowBytes)
                {
                    if (ahead != null) Prefetch(ahead + j * layout.RowBytes, layout.RowBytes);
                    a += Vector512.Create(w[j]) * TRows.Load(row, v0);
                }
                accumulator[v0] = a;
                ahead = null;
            }
        }
        for (var v = 0; v < vectors; v++) (accumulator[v] * inverseSum).Store(output + v * Lanes);
    }

    /// <summary>Into L2 rather than L1: a row is used once, and L2 keeps more misses in flight.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Prefetch(byte* start, int bytes)
    {
        if (!Sse.IsSupported) return;
        for (var offset = 0; offset < bytes; offset += 64) Sse.Prefetch1(start + offset);
    }

    /// <summary>How a cached row's 16-element vectors are read as floats; a type parameter so each format gets its own loops.</summary>
    private interface IRowFormat
    {
        static abstract Vector512<float> Load(byte* row, int v);
    }

    private readonly struct Float32Rows : IRowFormat
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Load(byte* row, int v) => Vector512.Load((float*)row + v * Lanes);
    }

    /// <summary>A bfloat16 is the upper half of a float32.</summary>
    private readonly struct Bf16Rows : IRowFormat
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<float> Load(byte* row, int v) =>
            Vector512.ShiftLeft(Vector512.WidenLower(Vector256.Load((ushort*)row + v * Lanes).ToVector512Unsafe()), 16).AsSingle();
    }

    /// <summary>Replaces scores by exp(score - max) and returns their sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
