using FlorenceVL.Training.Data;
using static TorchSharp.torch;

namespace FlorenceVL.Training.Modeling;

/// <summary>
/// Examples trained together, and the pixels of their images in example order ([numImages, 3, S, S], null when no
/// example has an image). Owns the pixel tensor.
/// </summary>
public sealed record TrainingBatch(IReadOnlyList<TrainingExample> Examples, Tensor? PixelValues) : IDisposable
{
    /// <summary>Each image's content hash (as serving computes it), in pixel order: the key of its cached DBFusion features.</summary>
    public IReadOnlyList<string> ImageHashes { get; init; } = [];

    public int NumTokens => Examples.Sum(e => e.Length);
    public int NumLossTokens => Examples.Sum(e => e.NumLossTokens);

    public void Dispose() => PixelValues?.Dispose();
}
