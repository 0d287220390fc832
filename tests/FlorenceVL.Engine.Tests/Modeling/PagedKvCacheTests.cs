using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Modeling;
using FlorenceVL.Engine.Modeling.KvCache;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Tests.Modeling;

public class PagedKvCacheTests
{
    private static TextConfig TinyLlama => FlorenceVLConfig.TextOnlyFromModelDirectory(DecoderFixtures.Directory(DecoderFixtures.Llama3));

    [Fact]
    public void A_byte_budget_buys_as_many_whole_blocks_as_fit()
    {
        var config = TinyLlama; // 2 layers, 2 KV heads of 16: K+V of one 8-slot block = 2*2*8*2*16*4 bytes
        var perBlock = PagedKvCache.BytesPerBlock(config, ScalarType.Float32, blockSize: 8);
        Assert.Equal(4096, perBlock);
        using var cache = PagedKvCache.FromByteBudget(config, ModelPlacement.CpuFloat32, 10 * perBlock + perBlock / 2, blockSize: 8);
        Assert.Equal(10, cache.NumBlocks);
        using var keys = cache.Keys(1);
        Assert.Equal(new long[] { 2, 10, 8, 16 }, keys.shape);
    }

    [Fact]
    public void Written_keys_and_values_come_back_in_sequence_order_across_blocks()
    {
        using var cache = new PagedKvCache(TinyLlama, ModelPlacement.CpuFloat32, numBlocks: 6, blockSize: 4);
        using var keys = randn(7, 2, 16);
        using var values = randn(7, 2, 16);
        using var blockTable = tensor(new long[] { 5, 2 });
        using var slots = tensor(new long[] { 20, 21, 22, 23, 8, 9, 10 }); // block 5 then block 2
        cache.Write(layer: 1, keys, values, slots);
        var (gatheredKeys, gatheredValues) = cache.Gather(1, blockTable, contextLength: 7);
        using (gatheredKeys)
        using (gatheredValues)
        {
            Assert.True(gatheredKeys.allclose(keys, rtol: 0, atol: 0));
            Assert.True(gatheredValues.allclose(values, rtol: 0, atol: 0));
        }
        using var otherLayer = cache.Keys(0);
        Assert.Equal(0, otherLayer.abs().sum().item<float>());
    }

    [Fact]
    public void Metadata_rejects_a_token_that_belongs_to_no_sequence()
    {
        DecoderFixtures.Directory(DecoderFixtures.Llama3);
        var error = Assert.Throws<ArgumentException>(() => new AttentionMetadata(
            arange(3, ScalarType.Int64), arange(3, ScalarType.Int64),
            [new SequenceSlice(0, 2, 2, tensor(new long[] { 0 }))]));
        Assert.Contains("token 2 belongs to no sequence", error.Message);
    }
}
