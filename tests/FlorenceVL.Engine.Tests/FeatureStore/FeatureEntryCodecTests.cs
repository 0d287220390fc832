using FlorenceVL.Engine.FeatureStore;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Tests.FeatureStore;

public sealed class FeatureEntryCodecTests
{
    private static readonly TowerFingerprint Tower = new(UInt128.Parse("1234567890123456789012345678"));
    private static readonly FeatureKey Key = new(new string('a', 64), Tower, ScalarType.BFloat16);

    private static FeatureValue RandomValue(ScalarType dtype, long tokens = 25, long dim = 64)
    {
        Runtime.TorchRuntime.EnsureLoadable();
        using var features = randn([tokens, dim], generator: manual_seed(7));
        return FeatureValue.FromTensor(features, dtype);
    }

    [Theory]
    [InlineData(ScalarType.BFloat16)]
    [InlineData(ScalarType.Float16)]
    [InlineData(ScalarType.Float32)]
    public void An_entry_decodes_to_the_same_bytes_and_shape(ScalarType dtype)
    {
        var key = Key with { DType = dtype };
        var value = RandomValue(dtype);

        var decoded = FeatureEntryCodec.TryDecode(FeatureEntryCodec.Encode(key, value), key, out var rejection);

        Assert.Null(rejection);
        Assert.NotNull(decoded);
        Assert.Equal(value.Shape, decoded.Shape);
        Assert.True(value.Data.Span.SequenceEqual(decoded.Data.Span));
    }

    [Fact]
    public void A_value_round_trips_through_a_tensor_bit_exactly()
    {
        var value = RandomValue(ScalarType.BFloat16);
        using var tensor = value.ToTensor();
        var again = FeatureValue.FromTensor(tensor, ScalarType.BFloat16);
        Assert.Equal(ScalarType.BFloat16, tensor.dtype);
        Assert.True(value.Data.Span.SequenceEqual(again.Data.Span));
    }

    [Fact]
    public void An_entry_from_another_tower_is_rejected()
    {
        var foreign = Key with { Tower = new TowerFingerprint(Tower.Value + 1) };
        var entry = FeatureEntryCodec.Encode(foreign, RandomValue(ScalarType.BFloat16));

        Assert.Null(FeatureEntryCodec.TryDecode(entry, Key, out var rejection));
        Assert.Equal("computed by another vision tower", rejection);
    }

    [Fact]
    public void An_entry_for_another_image_or_dtype_is_rejected()
    {
        var value = RandomValue(ScalarType.BFloat16);
        Assert.Null(FeatureEntryCodec.TryDecode(FeatureEntryCodec.Encode(Key with { ImageHash = new string('b', 64) }, value), Key, out _));
        Assert.Null(FeatureEntryCodec.TryDecode(FeatureEntryCodec.Encode(Key, value), Key with { DType = ScalarType.Float16 }, out _));
    }

    [Fact]
    public void A_flipped_payload_bit_is_caught_by_the_checksum()
    {
        var entry = FeatureEntryCodec.Encode(Key, RandomValue(ScalarType.BFloat16));
        entry[^100] ^= 0x10;

        Assert.Null(FeatureEntryCodec.TryDecode(entry, Key, out var rejection));
        Assert.Equal("payload checksum mismatch", rejection);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(40)]
    [InlineData(200)]
    public void A_truncated_entry_is_rejected_without_throwing(int keep)
    {
        var entry = FeatureEntryCodec.Encode(Key, RandomValue(ScalarType.BFloat16));
        Assert.Null(FeatureEntryCodec.TryDecode(entry.AsMemory(0, keep), Key, out var rejection));
        Assert.NotNull(rejection);
    }

    [Fact]
    public void Keys_differ_by_tower_dtype_and_image()
    {
        var names = new[]
        {
            Key, Key with { Tower = new TowerFingerprint(Tower.Value + 1) }, Key with { DType = ScalarType.Float32 },
            Key with { ImageHash = new string('c', 64) },
        }.Select(k => k.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.StartsWith($"v{FeatureKey.FormatVersion}:", names[0]);
    }
}
