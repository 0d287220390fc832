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

    /// <summary>[3, Size, Size] in CHW order.</summary>
    public float[] PixelValues { get; }

    public int Size { get; }

    /// <summary>
    /// SHA-256 (hex) of the decoded upright RGB pixels, their dimensions and the preprocessing settings: the same
    /// picture re-encoded losslessly, or sent twice, gets the same key, so encoder outputs can be cached by it.
    /// </summary>
    public string ContentHash { get; }

    /// <summary>A new float32 CPU tensor of shape [3, Size, Size]; the caller owns it.</summary>
    public Tensor ToTensor() => tensor(PixelValues, [3, Size, Size], ScalarType.Float32);
}
