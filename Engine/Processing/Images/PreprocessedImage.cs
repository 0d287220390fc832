using static TorchSharp.torch;

namespace FlorenceVL.Engine.Processing.Images;

/// <summary>A picture ready for the vision tower: normalised float pixels laid out channel-first.</summary>
public sealed class PreprocessedImage
{
    internal PreprocessedImage(float[] pixelValues, int size, string contentHash)
    {
        PixelValues = pixelValues;
        Size = size;
        ContentHash = contentHash;
    }

    /// <summary>
    /// Stands for an image whose DBFusion features are already stored (an uploaded image referred to by id): it has
    /// its key but no pixels, so it can never reach the vision tower.
    /// </summary>
    public static PreprocessedImage FromStoredFeatures(string contentHash, int size) => new([], size, contentHash);

    /// <summary>False for <see cref="FromStoredFeatures"/>: the features must come from the store.</summary>
    public bool HasPixels => PixelValues.Length > 0;

    /// <summary>[3, Size, Size] in CHW order.</summary>
    public float[] PixelValues { get; }

    public int Size { get; }

    /// <summary>
    /// SHA-256 (hex) of the decoded upright RGB pixels, their dimensions and the preprocessing settings: the same
    /// picture re-encoded losslessly, or sent twice, gets the same key, so encoder outputs can be cached by it.
    /// </summary>
    public string ContentHash { get; }

    /// <summary>A new float32 CPU tensor of shape [3, Size, Size]; the caller owns it.</summary>
    public Tensor ToTensor() => HasPixels
        ? tensor(PixelValues, [3, Size, Size], ScalarType.Float32)
        : throw new InvalidOperationException($"image {ContentHash} was referred to by its stored features and has no pixels.");
}
