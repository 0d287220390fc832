using System.Diagnostics.CodeAnalysis;

namespace FlorenceVL.Engine.Inference;

/// <summary>
/// The scheduler's view of the vision-embedding cache: which images are resident, who holds them, and room
/// counted in visual tokens. Entries are keyed by image content hash and shared by every sequence showing the
/// same picture. Held entries are never evicted; unheld ones stay until their room is needed (LRU).
/// </summary>
public interface IEncoderCache
{
    /// <summary>Room in visual tokens.</summary>
    int Capacity { get; }

    EncoderCacheStats Stats { get; }

    /// <summary>The entry for <paramref name="contentHash"/>, or null when it is not resident.</summary>
    EncoderCacheEntry? Find(string contentHash);

    /// <summary>Whether <paramref name="numTokens"/> more could be made room for, evicting unheld entries.</summary>
    bool CanReserve(int numTokens);

    /// <summary>On a hit, adds <paramref name="sequenceId"/> as a holder and counts the hit.</summary>
    bool TryAcquire(string contentHash, long sequenceId);

    /// <summary>Makes room (evicting unheld entries oldest-first) for an image whose embeddings are about to be
    /// computed, held by <paramref name="sequenceId"/>; counts a miss. False when it cannot fit.</summary>
    bool TryReserve(string contentHash, int numTokens, long sequenceId);

    /// <summary>Drops one holder; an entry nobody holds becomes evictable but stays reusable.</summary>
    void Release(string contentHash, long sequenceId);
}

/// <summary>The cache with its values: what the model runner stores and reads (tensors, in practice).</summary>
public interface IEncoderCache<TValue> : IEncoderCache
{
    /// <summary>Attaches the computed embeddings to a reserved entry.</summary>
    void Store(string contentHash, TValue value);

    bool TryGetValue(string contentHash, [MaybeNullWhen(false)] out TValue value);
}
