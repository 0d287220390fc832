using System.IO.MemoryMappedFiles;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Weights;

/// <summary>One tensor's entry in a safetensors header.</summary>
public sealed record SafetensorsEntry(string Name, ScalarType DType, long[] Shape, long Begin, long End)
{
    public long NumBytes => End - Begin;
}

/// <summary>
/// A memory-mapped <c>.safetensors</c> file: 8-byte little-endian header length, a JSON header mapping names to
/// dtype/shape/byte ranges, then raw little-endian data. Every structural problem (truncation, overlapping or
/// out-of-range offsets, a size that disagrees with dtype x shape) is a <see cref="CheckpointException"/>, never a crash.
/// </summary>
public sealed unsafe class SafetensorsFile : IDisposable
{
    private const long MaxHeaderBytes = 100L * 1024 * 1024;
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly long _dataStart;

    public string Path { get; }
    public IReadOnlyDictionary<string, SafetensorsEntry> Entries { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    private SafetensorsFile(string path, MemoryMappedFile file, MemoryMappedViewAccessor view, long dataStart,
        IReadOnlyDictionary<string, SafetensorsEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path; _file = file; _view = view; _dataStart = dataStart; Entries = entries; Metadata = metadata;
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _base = pointer + _view.PointerOffset;
    }

    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path)) throw new CheckpointException($"{path}: file not found.");
        var info = new FileInfo(path);
        // A symlinked checkpoint (shared weights) reports the link's own size: measure the file it points to.
        var length = (info.LinkTarget is null ? info : (FileInfo)info.ResolveLinkTarget(returnFinalTarget: true)!).Length;
        if (length < 8) throw new CheckpointException($"{path}: truncated safetensors file ({length} bytes, no header).");
        var file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        try
        {
            var view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            var headerLength = view.ReadInt64(0);
            if (headerLength <= 0 || headerLength > MaxHeaderBytes || 8 + headerLength > length)
                throw new CheckpointException($"{path}: corrupt or truncated safetensors header (declared {headerLength} bytes, file {length}).");
            var header = new byte[headerLength];
            view.ReadArray(8, header, 0, header.Length);
            var (entries, metadata) = ParseHeader(path, header, length - 8 - headerLength);
            return new SafetensorsFile(path, file, view, 8 + headerLength, entries, metadata);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>A CPU tensor holding a copy of the stored bytes, converted to <paramref name="dtype"/> when given.</summary>
    public Tensor Load(string name, ScalarType? dtype = null)
    {
        var entry = Entries.TryGetValue(name, out var found) ? found : throw new CheckpointException($"{Path}: no tensor named '{name}'.");
        var tensor = empty(entry.Shape, entry.DType);
        CopyInto(tensor, _base + _dataStart + entry.Begin, entry.NumBytes);
        if (dtype is { } target && target != entry.DType)
        {
            var converted = tensor.to_type(target);
            tensor.Dispose();
            return converted;
        }
        return tensor;
    }

    /// <summary>Spans are limited to 2 GiB, so large tensors are filled through contiguous slices of their flat view.</summary>
    internal static void CopyInto(Tensor tensor, byte* source, long numBytes, long maxChunkBytes = 1L << 30)
    {
        if (numBytes == 0) return;
        var elementSize = numBytes / tensor.numel();
        using var flat = tensor.view(-1);
        var elementsPerChunk = Math.Max(1, maxChunkBytes / elementSize);
        for (long start = 0; start < flat.shape[0]; start += elementsPerChunk)
        {
            var count = Math.Min(elementsPerChunk, flat.shape[0] - start);
            using var slice = flat.narrow(0, start, count);
            slice.bytes = new Span<byte>(source + start * elementSize, checked((int)(count * elementSize)));
        }
    }

    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
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
