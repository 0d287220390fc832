using FlorenceVL.Engine.FeatureStore;

namespace FlorenceVL.Engine.Serving;

/// <summary>
/// Images accepted once and referred to later by their content hash (POST /v1/images, issue 20). An upload is
/// preprocessed exactly as a chat image (same limits, same <see cref="Processing.Images.ImageInputException"/>s), runs
/// the vision tower once and writes its fused DBFusion features to the feature store synchronously: the shared store
/// when one is configured (every replica resolves the image), else a process-local one with the same TTL.
/// </summary>
public interface IImageStore
{
    /// <summary>How long an image lives after its last upload.</summary>
    TimeSpan Ttl { get; }

    /// <summary>True when images live in the shared store (Redis) rather than in this process.</summary>
    bool IsShared { get; }

    /// <summary>Stores the image's features (reusing stored ones without running the tower) and describes the entry.</summary>
    /// <exception cref="Processing.Images.ImageInputException">The bytes are not a usable image.</exception>
    /// <exception cref="ImageStoreUnavailableException">The store did not take the write.</exception>
    Task<StoredImageInfo> PutAsync(ReadOnlyMemory<byte> encoded, CancellationToken cancellationToken);

    /// <summary>The stored features of the image with content hash <paramref name="contentHash"/>; null when unknown or expired.</summary>
    Task<StoredImage?> GetAsync(string contentHash, CancellationToken cancellationToken);
}

/// <summary>An image's stored DBFusion features, [visual tokens, fusedDim], ready to stand in for its pixels.</summary>
public sealed record StoredImage(string ContentHash, FeatureValue Features);

/// <summary>What an upload stored: the key, the image's visual tokens, whether the tower ran, and the entry's lifetime.</summary>
public sealed record StoredImageInfo(string ContentHash, int NumVisualTokens, bool Encoded, DateTimeOffset StoredAt, DateTimeOffset ExpiresAt);

/// <summary>The feature store refused or failed an upload's write; the image was not stored.</summary>
public sealed class ImageStoreUnavailableException(string message) : Exception(message);
