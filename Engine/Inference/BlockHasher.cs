using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace FlorenceVL.Engine.Inference;

/// <summary>
/// Prefix-cache identity of a full KV block: hash(parent block hash, the block's tokens). Visual positions hold
/// placeholder ids that say nothing about the picture, so they are hashed as (image content hash, index within
/// the image): the same image and text give the same chain, another image a different one. SHA-256 (truncated
/// to 128 bits) keeps collisions out of reach without comparing token lists.
/// </summary>
internal static class BlockHasher
{
    /// <summary>Token ids are non-negative, so a negative marker cannot be confused with a token.</summary>
    private const int ImageRunMarker = -1;

    /// <summary>
    /// The parent hash of a sequence's first block. A salt separates sequences whose KV for the same tokens differs
    /// (LongRoPE's factor set depends on prompt length) or that must not share (per-tenant isolation).
    /// </summary>
    public static UInt128 Root(string? salt)
    {
        if (string.IsNullOrEmpty(salt)) return UInt128.Zero;
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(salt), digest);
        return BinaryPrimitives.ReadUInt128LittleEndian(digest);
    }

    public static UInt128 Hash(UInt128 parent, Sequence sequence, int start, int blockSize)
    {
        var buffer = new ArrayBufferWriter<byte>(16 + blockSize * sizeof(int));
        WriteUInt128(buffer, parent);
        var end = start + blockSize;
        for (var position = start; position < end;)
            position = sequence.ImageAt(position) is { } image
                ? WriteImageRun(buffer, image, position, Math.Min(end, image.End))
                : WriteToken(buffer, sequence.TokenIds[position], position);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(buffer.WrittenSpan, digest);
        return BinaryPrimitives.ReadUInt128LittleEndian(digest);
    }

    private static int WriteToken(ArrayBufferWriter<byte> buffer, int tokenId, int position)
    {
        WriteInt(buffer, tokenId);
        return position + 1;
    }

    private static int WriteImageRun(ArrayBufferWriter<byte> buffer, SequenceImage image, int position, int runEnd)
    {
        WriteInt(buffer, ImageRunMarker);
        var hashBytes = Encoding.UTF8.GetBytes(image.ContentHash);
        WriteInt(buffer, hashBytes.Length);
        buffer.Write(hashBytes);
        WriteInt(buffer, position - image.Offset);
        WriteInt(buffer, runEnd - position);
        return runEnd;
    }

    private static void WriteInt(ArrayBufferWriter<byte> buffer, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(buffer.GetSpan(sizeof(int)), value);
        buffer.Advance(sizeof(int));
    }

    private static void WriteUInt128(ArrayBufferWriter<byte> buffer, UInt128 value)
    {
        BinaryPrimitives.WriteUInt128LittleEndian(buffer.GetSpan(16), value);
        buffer.Advance(16);
    }
}
