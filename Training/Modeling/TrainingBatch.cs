using FlorenceVL.Training.Data;
using static TorchSharp.torch;

namespace FlorenceVL.Training.Modeling;

/// <summary>
/// Examples trained together, and the pixels of their images in example order ([numImages, 3, S, S], null when no
/// example has an image). Owns the pixel tensor.
/// </summary>
public sealed record TrainingBatch(IReadOnlyList<TrainingExample> Examples, Tensor? PixelValues) : IDisposable
{
    public int NumTokens => Examples.Sum(e => e.Length);
    public int NumLossTokens => Examples.Sum(e => e.NumLossTokens);

    public void Dispose() => PixelValues?.Dispose();
}
