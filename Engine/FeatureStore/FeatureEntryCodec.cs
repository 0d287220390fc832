using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace FlorenceVL.Engine.FeatureStore;

/// <summary>
/// The stored entry: a small header (magic, format version, dtype, fingerprint, image hash, shape, payload length and
/// checksum) followed by the raw tensor bytes. The header repeats the key's facts so an entry that does not belong to
/// its key (written by another tower, truncated, garbled) is recognised and treated as a miss.
/// </summary>
public static class FeatureEntryCodec
{
    public const int MaxHeaderBytes = 512;
    private const uint Magic = 0x464C5646; // "FVLF" read little-endian
    private const int MaxRank = 8;

    public static byte[] Encode(FeatureKey key, FeatureValue value)
    {
        if (value.DType != key.DType)
            throw new ArgumentException($"the value is {value.DType} but the key is for {key.DType}.", nameof(value));
        var image = Encoding.ASCII.GetBytes(key.ImageHash);
        if (image.Length > byte.MaxValue || value.Shape.Count > MaxRank)
            throw new ArgumentException($"image hash ({image.Length} bytes) or rank ({value.Shape.Count}) too large for the entry header.");
        var headerLength = 4 + 2 + 1 + 1 + 16 + 1 + image.Length + 8 * value.Shape.Count + 8 + 8;
        var entry = new byte[headerLength + value.Data.Length];
        var writer = new SpanWriter(entry);
        writer.UInt32(Magic);
        writer.UInt16(FeatureKey.FormatVersion);
        writer.Byte(FeatureDTypes.Code(value.DType));
        writer.Byte((byte)value.Shape.Count);
        writer.UInt128(key.Tower.Value);
        writer.Byte((byte)image.Length);
        writer.Bytes(image);
        foreach (var dim in value.Shape) writer.Int64(dim);
        writer.Int64(value.Data.Length);
        writer.UInt64(XxHash3.HashToUInt64(value.Data.Span));
        writer.Bytes(value.Data.Span);
        return entry;
    }

    /// <summary>The value when <paramref name="entry"/> is a well-formed entry for exactly <paramref name="key"/>; else why not.</summary>
    public static FeatureValue? TryDecode(ReadOnlyMemory<byte> entry, FeatureKey key, out string? rejection)
    {
        try
        {
            var value = Decode(entry, key, out rejection);
            return rejection is null ? value : null;
        }
        catch (ArgumentOutOfRangeException)
        {
            rejection = "the entry is shorter than its header says";
            return null;
        }
    }

    private static FeatureValue? Decode(ReadOnlyMemory<byte> entry, FeatureKey key, out string? rejection)
    {
        var reader = new SpanReader(entry.Span);
        rejection = reader.UInt32() != Magic ? "no feature-entry magic"
            : reader.UInt16() != FeatureKey.FormatVersion ? "another format version"
            : FeatureDTypes.FromCode(reader.Byte()) != key.DType ? "another dtype"
            : null;
        if (rejection is not null) return null;
        var rank = reader.Byte();
        if (reader.UInt128() != key.Tower.Value) return Reject(out rejection, "computed by another vision tower");
        var image = Encoding.ASCII.GetString(reader.Bytes(reader.Byte()));
        if (image != key.ImageHash) return Reject(out rejection, "features of another image");
        if (rank > MaxRank) return Reject(out rejection, $"rank {rank} is too large");
        var shape = new long[rank];
        for (var i = 0; i < rank; i++) shape[i] = reader.Int64();
        var length = reader.Int64();
        var checksum = reader.UInt64();
        if (length != entry.Length - reader.Position) return Reject(out rejection, "payload length does not match the entry");
        var payload = entry[reader.Position..];
        if (XxHash3.HashToUInt64(payload.Span) != checksum) return Reject(out rejection, "payload checksum mismatch");
        try { return new FeatureValue(key.DType, shape, payload); }
        catch (ArgumentException) { return Reject(out rejection, "shape does not match the payload"); }
    }

    private static FeatureValue? Reject(out string? rejection, string reason)
    {
        rejection = reason;
        return null;
    }

    private ref struct SpanWriter(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;
        private int _position;

        public void Byte(byte value) => _buffer[_position++] = value;
        public void UInt16(ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(Next(2), value);
        public void UInt32(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(Next(4), value);
        public void Int64(long value) => BinaryPrimitives.WriteInt64LittleEndian(Next(8), value);
        public void UInt64(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(Next(8), value);
        public void UInt128(UInt128 value) => BinaryPrimitives.WriteUInt128LittleEndian(Next(16), value);
        public void Bytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Next(bytes.Length));

        private Span<byte> Next(int size)
        {
            var slice = _buffer.Slice(_position, size);
            _position += size;
            return slice;
        }
    }

    private ref struct SpanReader(ReadOnlySpan<byte> buffer)
    {
        private readonly ReadOnlySpan<byte> _buffer = buffer;

        public int Position { get; private set; }

        public byte Byte() => Take(1)[0];
        public ushort UInt16() => BinaryPrimitives.ReadUInt16LittleEndian(Take(2));
        public uint UInt32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));
        public long Int64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));
        public ulong UInt64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));
        public UInt128 UInt128() => BinaryPrimitives.ReadUInt128LittleEndian(Take(16));
        public ReadOnlySpan<byte> Bytes(int count) => Take(count);

        private ReadOnlySpan<byte> Take(int count)
        {
            var slice = _buffer.Slice(Position, count);
            Position += count;
            return slice;
        }
    }
}
