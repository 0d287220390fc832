using FlorenceVL.Engine.Weights;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Tests.Weights;

public class SafetensorsTests
{
    [Fact]
    public void Written_tensors_read_back_bit_exact_in_every_stored_dtype()
    {
        using var dir = new TempDirectory();
        var tensors = new Dictionary<string, Tensor>
        {
            ["a.f32"] = randn(3, 5),
            ["b.bf16"] = randn(4, 2).to_type(ScalarType.BFloat16),
            ["c.f16"] = randn(7).to_type(ScalarType.Float16),
            ["d.i64"] = arange(0, 10, dtype: ScalarType.Int64),
        };
        SafetensorsWriter.Write(dir.File("model.safetensors"), tensors);

        using var file = SafetensorsFile.Open(dir.File("model.safetensors"));
        foreach (var (name, expected) in tensors)
        {
            using var actual = file.Load(name);
            Assert.Equal(expected.dtype, actual.dtype);
            Assert.Equal(expected.shape, actual.shape);
            Assert.True(expected.equal(actual).all().item<bool>(), $"{name} differs after the round trip");
        }
    }

    [Fact]
    public void Loading_converts_to_the_requested_dtype()
    {
        using var dir = new TempDirectory();
        using var source = randn(16, 16).to_type(ScalarType.BFloat16);
        SafetensorsWriter.Write(dir.File("model.safetensors"), [new("w", source)]);

        using var file = SafetensorsFile.Open(dir.File("model.safetensors"));
        using var loaded = file.Load("w", ScalarType.Float32);

        Assert.Equal(ScalarType.Float32, loaded.dtype);
        Assert.True(source.to_type(ScalarType.Float32).equal(loaded).all().item<bool>());
    }

    [Fact]
    public void Large_tensors_are_read_in_chunks_without_changing_values()
    {
        using var dir = new TempDirectory();
        using var source = randn(1000, 3);
        SafetensorsWriter.Write(dir.File("model.safetensors"), [new("x", source)]);
        using var file = SafetensorsFile.Open(dir.File("model.safetensors"));
        using var target = empty(1000, 3);

        file.ReadInto(file.Entries["x"], target, maxChunkBytes: 4 * 7); // 7 floats per chunk: an uneven split

        Assert.True(source.equal(target).all().item<bool>());
    }

    [Fact]
    public void Reading_into_a_tensor_of_another_dtype_or_size_is_refused()
    {
        using var dir = new TempDirectory();
        SafetensorsWriter.Write(dir.File("model.safetensors"), [new("x", randn(4, 3))]);
        using var file = SafetensorsFile.Open(dir.File("model.safetensors"));

        Assert.Throws<ArgumentException>(() => file.ReadInto("x", empty(4, 3, ScalarType.BFloat16)));
        Assert.Throws<ArgumentException>(() => file.ReadInto("x", empty(4, 4)));
    }

    [Fact]
    public void A_truncated_file_is_a_clear_error()
    {
        using var dir = new TempDirectory();
        SafetensorsWriter.Write(dir.File("full.safetensors"), [new("w", randn(64, 64))]);
        var bytes = File.ReadAllBytes(dir.File("full.safetensors"));
        File.WriteAllBytes(dir.File("cut.safetensors"), bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<CheckpointException>(() => SafetensorsFile.Open(dir.File("cut.safetensors")));
        Assert.Contains("'w'", error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0 })]
    [InlineData(new byte[] { 4, 0, 0, 0, 0, 0, 0, 0, (byte)'n', (byte)'o', (byte)'p', (byte)'e' })]
    [InlineData(new byte[] { 2, 0, 0, 0, 0, 0, 0, 0, (byte)'[', (byte)']' })]
    public void Garbage_is_a_clear_error_not_a_crash(byte[] content)
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("bad.safetensors"), content);

        var error = Assert.Throws<CheckpointException>(() => SafetensorsFile.Open(dir.File("bad.safetensors")));
        Assert.Contains("bad.safetensors", error.Message);
    }

    [Fact]
    public void A_header_whose_sizes_disagree_with_the_shape_is_refused()
    {
        using var dir = new TempDirectory();
        var header = """{"w":{"dtype":"F32","shape":[4,4],"data_offsets":[0,32]}}"""u8.ToArray();
        var content = BitConverter.GetBytes((long)header.Length).Concat(header).Concat(new byte[32]).ToArray();
        File.WriteAllBytes(dir.File("bad.safetensors"), content);

        var error = Assert.Throws<CheckpointException>(() => SafetensorsFile.Open(dir.File("bad.safetensors")));
        Assert.Contains("shape needs 64", error.Message);
    }

    [Fact]
    public void Sharded_checkpoints_are_read_through_their_index()
    {
        using var dir = new TempDirectory();
        SafetensorsWriter.Write(dir.File("model-00001-of-00002.safetensors"), [new("x", ones(2))]);
        SafetensorsWriter.Write(dir.File("model-00002-of-00002.safetensors"), [new("y", zeros(3))]);
        File.WriteAllText(dir.File(SafetensorsCheckpoint.IndexFileName),
            """{"metadata":{},"weight_map":{"x":"model-00001-of-00002.safetensors","y":"model-00002-of-00002.safetensors"}}""");

        using var checkpoint = SafetensorsCheckpoint.Open(dir.Path);

        Assert.Equal(["x", "y"], checkpoint.Names.Order());
        using var y = checkpoint.Load("y");
        Assert.Equal([3L], y.shape);
    }
}
