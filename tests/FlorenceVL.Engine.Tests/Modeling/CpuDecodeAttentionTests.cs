using System.Runtime.Intrinsics;
using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Modeling;
using FlorenceVL.Engine.Modeling.KvCache;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Tests.Modeling;

/// <summary>
/// The CPU decode kernel reads the paged cache in place; it must give what the libtorch gather-and-matmul form gives,
/// for grouped KV heads, scattered block tables, contexts of different lengths (one inside a single block) and both
/// dtypes. The model-level parity tests run it too (on an AVX-512 machine); these pin the kernel on its own.
/// </summary>
public class CpuDecodeAttentionTests
{
    private const int BlockSize = 4;
    private const int NumBlocks = 12;
    private const int Layer = 1;

    // Llama fixture: 4 query heads over 2 KV heads of 16, so every KV head serves two query heads.
    private static TextConfig Config => FlorenceVLConfig.TextOnlyFromModelDirectory(DecoderFixtures.Directory(DecoderFixtures.Llama3));

    private static readonly int[] ContextLengths = [9, 3, 14];
    private static readonly long[][] BlockTables = [[7, 2, 10], [5], [0, 11, 3, 8]];

    /// <param name="headDim">16: one vector per row; 96 (Phi-3.5's): the kernel's four-vector pass plus two single vectors.</param>
    [Theory]
    [InlineData(16)]
    [InlineData(96)]
    public void Float32_kernel_matches_the_libtorch_form(int headDim)
    {
        if (!Vector512.IsHardwareAccelerated) return; // the engine takes the libtorch form on such CPUs
        manual_seed(3);
        using var cache = FilledCache(ScalarType.Float32, source: null, Config with { HeadDim = headDim });
        using var q = randn(ContextLengths.Length, 4, headDim);
        var (kernel, reference) = BothForms(q, cache, cache);
        Assert.True(kernel.allclose(reference, rtol: 1e-5, atol: 1e-6), $"max difference {(kernel - reference).abs().max().item<float>()}");
    }

    [Fact]
    public void Bfloat16_kernel_matches_the_float32_result_of_the_same_cached_values()
    {
        if (!Vector512.IsHardwareAccelerated) return;
        manual_seed(4);
        using var exact = FilledCache(ScalarType.Float32, source: null);
        using var rounded = FilledCache(ScalarType.BFloat16, source: exact);
        using var widened = FilledCache(ScalarType.Float32, source: rounded);
        using var q = randn(ContextLengths.Length, 4, 16).to(ScalarType.BFloat16);
        var (kernel, _) = BothForms(q, rounded, rounded);
        var (_, reference) = BothForms(q.to(ScalarType.Float32), widened, widened);
        Assert.Equal(ScalarType.BFloat16, kernel.dtype);
        // The kernel works in float32 and rounds once at the end: within one bf16 rounding of the float32 result.
        Assert.True(kernel.to(ScalarType.Float32).allclose(reference, rtol: 1e-2, atol: 1e-2), $"max difference {(kernel.to(ScalarType.Float32) - reference).abs().max().item<float>()}");
    }

    private static (Tensor Kernel, Tensor Reference) BothForms(Tensor q, PagedKvCache kernelCache, PagedKvCache referenceCache)
    {
        using var metadata = DecodeMetadata();
        var plan = PagedAttentionPlan.Build(metadata, BlockSize);
        var decodes = plan.Decodes!;
        Assert.True(CpuDecodeAttention.Supports(q, kernelCache));
        return (CpuDecodeAttention.Attend(Layer, q, decodes, kernelCache), PagedAttention.AttendDecodesWithTorch(Layer, q, decodes, referenceCache));
    }

    /// <summary>Every slot of every layer holds K/V: random, or <paramref name="source"/>'s values in this dtype.</summary>
    private static PagedKvCache FilledCache(ScalarType dtype, PagedKvCache? source, TextConfig? config = null)
    {
        config ??= Config;
        var cache = new PagedKvCache(config, new ModelPlacement(CPU, dtype), NumBlocks, BlockSize);
        using var slots = arange(cache.NumSlots, ScalarType.Int64);
        for (var layer = 0; layer < cache.NumLayers; layer++)
        {
            var (keys, values) = source is null
                ? (randn(cache.NumSlots, cache.NumKvHeads, cache.HeadDim), randn(cache.NumSlots, cache.NumKvHeads, cache.HeadDim))
                : source.Gather(layer, arange(NumBlocks, ScalarType.Int64), cache.NumSlots);
            cache.Write(layer, keys.to(dtype), values.to(dtype), slots);
        }
        return cache;
    }

    private static AttentionMetadata DecodeMetadata()
    {
        var slices = ContextLengths.Select((length, i) => new SequenceSlice(i, 1, length, tensor(BlockTables[i]))).ToList();
        var positions = ContextLengths.Select(length => (long)(length - 1)).ToArray();
        var slots = ContextLengths.Select((length, i) => BlockTables[i][(length - 1) / BlockSize] * BlockSize + (length - 1) % BlockSize).ToArray();
        return new AttentionMetadata(tensor(positions), tensor(slots), slices);
    }
}
