using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Weights;

/// <summary>
/// Writes a checkpoint too large to hold in memory as safetensors shards plus <c>model.safetensors.index.json</c>, the
/// Hub's layout: each shard's header is written from the shapes first, then every tensor is made, written and freed one
/// at a time, so writing 18 GB takes one tensor's memory. Shards are filled in name order up to a byte budget.
/// </summary>
public static class ShardedSafetensorsWriter
{
    public static IReadOnlyList<string> Write(string directory, IReadOnlyList<ReleasedTensor> tensors, ScalarType dtype,
        Func<ReleasedTensor, Tensor> make, long maxShardBytes)
    {
        var elementSize = SafetensorsDType.ElementSize(dtype);
        var shards = Split(tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList(), elementSize, maxShardBytes);
        var weightMap = new JsonObject();
        var files = new List<string>();
        for (var s = 0; s < shards.Count; s++)
        {
            var file = $"model-{s + 1:D5}-of-{shards.Count:D5}.safetensors";
            WriteShard(Path.Combine(directory, file), shards[s], dtype, elementSize, make);
            foreach (var tensor in shards[s]) weightMap[tensor.Name] = file;
            files.Add(file);
        }
        var total = tensors.Sum(t => t.NumElements * elementSize);
        var index = new JsonObject { ["metadata"] = new JsonObject { ["total_size"] = total }, ["weight_map"] = weightMap };
        File.WriteAllText(Path.Combine(directory, SafetensorsCheckpoint.IndexFileName), index.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return files;
    }

    private static List<List<ReleasedTensor>> Split(List<ReleasedTensor> tensors, int elementSize, long maxShardBytes)
    {
        var shards = new List<List<ReleasedTensor>> { new() };
        long bytes = 0;
        foreach (var tensor in tensors)
        {
            var size = tensor.NumElements * elementSize;
            if (bytes > 0 && bytes + size > maxShardBytes) { shards.Add(new()); bytes = 0; }
            shards[^1].Add(tensor);
            bytes += size;
        }
        return shards;
    }

    private static void WriteShard(string path, List<ReleasedTensor> tensors, ScalarType dtype, int elementSize, Func<ReleasedTensor, Tensor> make)
    {
        var header = new JsonObject { ["__metadata__"] = new JsonObject { ["format"] = "pt" } };
        long offset = 0;
        foreach (var tensor in tensors)
        {
            var size = tensor.NumElements * elementSize;
            header[tensor.Name] = new JsonObject
            {
                ["dtype"] = SafetensorsDType.Name(dtype),
                ["shape"] = new JsonArray(tensor.Shape.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + size),
            };
            offset += size;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        var padded = (json.Length + 7) / 8 * 8; // keeps every tensor 8-byte aligned, as the single-file writer does
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 22))
        {
            stream.Write(BitConverter.GetBytes((long)padded));
            stream.Write(json);
            for (var i = json.Length; i < padded; i++) stream.WriteByte((byte)' ');
            foreach (var tensor in tensors)
            {
                using var value = make(tensor);
                if (!value.shape.SequenceEqual(tensor.Shape) || value.dtype != dtype)
                    throw new InvalidOperationException($"'{tensor.Name}': made [{string.Join(", ", value.shape)}] {value.dtype}, declared [{string.Join(", ", tensor.Shape)}] {dtype}.");
                using var contiguous = value.cpu().contiguous();
                WriteBytes(stream, contiguous);
            }
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>`Tensor.bytes` is a span, capped at 2 GiB: write large tensors through dim-0 slices.</summary>
    private static void WriteBytes(Stream stream, Tensor tensor)
    {
        var rowsPerChunk = tensor.dim() == 0 ? 1 : Math.Max(1, (1L << 30) / Math.Max(1, tensor.numel() / tensor.shape[0] * tensor.element_size()));
        if (tensor.dim() == 0 || tensor.shape[0] <= rowsPerChunk) { stream.Write(tensor.bytes); return; }
        for (long row = 0; row < tensor.shape[0]; row += rowsPerChunk)
        {
            using var slice = tensor.narrow(0, row, Math.Min(rowsPerChunk, tensor.shape[0] - row));
            stream.Write(slice.bytes);
        }
    }
}
