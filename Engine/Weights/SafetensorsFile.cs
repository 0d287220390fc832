using System.Text.Json;
using FlorenceVL.Engine.Runtime;
using Microsoft.Win32.SafeHandles;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Weights;

/// <summary>One tensor's entry in a safetensors header.</summary>
public sealed record SafetensorsEntry(string Name, ScalarType DType, long[] Shape, long Begin, long End)
{
    public long NumBytes => End - Begin;
}

/// <summary>
/// A <c>.safetensors</c> file: 8-byte little-endian header length, a JSON header mapping names to dtype/shape/byte
/// ranges, then raw little-endian data. Every structural problem (truncation, overlapping or out-of-range offsets, a size
/// that disagrees with dtype x shape) is a <see cref="CheckpointException"/>, never a crash.
/// Tensor data is read with positioned reads straight into the destination tensor, not through a memory map: pages of a
/// mapping stay in the process's resident set until unmapped, so mapping a 9.6 GB checkpoint while filling a model of
/// the same size doubled the peak resident memory of a load. Read pages live in the kernel's page cache instead.
/// </summary>
public sealed unsafe class SafetensorsFile : IDisposable
{
    private const long MaxHeaderBytes = 100L * 1024 * 1024;
    private const long ChunkBytes = 1L << 30; // spans are limited to 2 GiB
    private readonly SafeFileHandle _handle;
    private readonly long _dataStart;

    public string Path { get; }
    public IReadOnlyDictionary<string, SafetensorsEntry> Entries { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    private SafetensorsFile(string path, SafeFileHandle handle, long dataStart,
        IReadOnlyDictionary<string, SafetensorsEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path; _handle = handle; _dataStart = dataStart; Entries = entries; Metadata = metadata;
    }

    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path)) throw new CheckpointException($"{path}: file not found.");
        var info = new FileInfo(path);
        // A symlinked checkpoint (shared weights) reports the link's own size: measure the file it points to.
        var length = (info.LinkTarget is null ? info : (FileInfo)info.ResolveLinkTarget(returnFinalTarget: true)!).Length;
        if (length < 8) throw new CheckpointException($"{path}: truncated safetensors file ({length} bytes, no header).");
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        try
        {
            Span<byte> lengthBytes = stackalloc byte[8];
            ReadExactly(handle, lengthBytes, 0, path);
            var headerLength = BitConverter.ToInt64(lengthBytes);
            if (headerLength <= 0 || headerLength > MaxHeaderBytes || 8 + headerLength > length)
                throw new CheckpointException($"{path}: corrupt or truncated safetensors header (declared {headerLength} bytes, file {length}).");
            var header = new byte[headerLength];
            ReadExactly(handle, header, 8, path);
            var (entries, metadata) = ParseHeader(path, header, length - 8 - headerLength);
            return new SafetensorsFile(path, handle, 8 + headerLength, entries, metadata);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>A CPU tensor holding a copy of the stored bytes, converted to <paramref name="dtype"/> when given.</summary>
    public Tensor Load(string name, ScalarType? dtype = null)
    {
        var entry = Find(name);
        var tensor = empty(entry.Shape, entry.DType);
        ReadInto(entry, tensor);
        if (dtype is { } target && target != entry.DType)
        {
            var converted = tensor.to_type(target);
            tensor.Dispose();
            return converted;
        }
        return tensor;
    }

    /// <summary>
    /// Reads a tensor's stored bytes straight into <paramref name="destination"/>: a contiguous CPU tensor of the stored
    /// dtype and element count (a parameter, or a dim-0 slice of one), so a load needs no second copy.
    /// </summary>
    public void ReadInto(string name, Tensor destination) => ReadInto(Find(name), destination);

    internal void ReadInto(SafetensorsEntry entry, Tensor destination, long maxChunkBytes = ChunkBytes)
    {
        if (destination.dtype != entry.DType || destination.numel() * destination.element_size() != entry.NumBytes)
            throw new ArgumentException($"'{entry.Name}' ({entry.DType}, {entry.NumBytes} bytes) does not fit a {destination.dtype} tensor of {destination.numel()} elements.", nameof(destination));
        if (entry.NumBytes == 0) return;
        var start = TensorMemory.Address(destination);
        for (long done = 0; done < entry.NumBytes; done += maxChunkBytes)
        {
            var count = (int)Math.Min(maxChunkBytes, entry.NumBytes - done);
            ReadExactly(_handle, new Span<byte>(start + done, count), _dataStart + entry.Begin + done, Path);
        }
    }

    public void Dispose() => _handle.Dispose();

    private SafetensorsEntry Find(string name) =>
        Entries.TryGetValue(name, out var found) ? found : throw new CheckpointException($"{Path}: no tensor named '{name}'.");

    private static void ReadExactly(SafeFileHandle handle, Span<byte> buffer, long offset, string path)
    {
        while (buffer.Length > 0)
        {
            var read = RandomAccess.Read(handle, buffer, offset);
            if (read <= 0) throw new CheckpointException($"{path}: file ended early (truncated while being read?).");
            buffer = buffer[read..];
            offset += read;
        }
    }

    private static (Dictionary<string, SafetensorsEntry>, Dictionary<string, string>) ParseHeader(string path, byte[] header, long dataLength)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(header); }
        catch (JsonException e) { throw new CheckpointException($"{path}: safetensors header is not valid JSON ({e.Message}).", e); }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new CheckpointException($"{path}: safetensors header is not a JSON object.");
            var entries = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    foreach (var item in property.Value.EnumerateObject()) metadata[item.Name] = item.Value.ToString();
                    continue;
                }
                entries[property.Name] = ParseEntry(path, property, dataLength);
            }
            return (entries, metadata);
        }
    }

    private static SafetensorsEntry ParseEntry(string path, JsonProperty property, long dataLength)
    {
        try
        {
            var dtype = SafetensorsDType.Parse(property.Value.GetProperty("dtype").GetString());
            var shape = property.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            var offsets = property.Value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataLength)
                throw new CheckpointException($"{path}: tensor '{property.Name}' has data offsets outside the file (truncated?).");
            var expected = shape.Aggregate(1L, (a, b) => checked(a * b)) * SafetensorsDType.ElementSize(dtype);
            if (expected != offsets[1] - offsets[0] || shape.Any(d => d < 0))
                throw new CheckpointException($"{path}: tensor '{property.Name}' holds {offsets[1] - offsets[0]} bytes but its shape needs {expected}.");
            return new SafetensorsEntry(property.Name, dtype, shape, offsets[0], offsets[1]);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new CheckpointException($"{path}: malformed header entry for '{property.Name}' ({e.Message}).", e);
        }
    }
}
