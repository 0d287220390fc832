using FlorenceVL.Engine.Processing.Images;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.FeatureStore;

/// <summary>
/// Where one image's DBFusion features live: the image as the model sees it (<see cref="PreprocessedImage.ContentHash"/>:
/// decoded pixels, size and preprocessing settings), the tower that computed them, the stored precision and the entry
/// format. Any difference in these gives a different key, so a tower never reads another tower's features.
/// </summary>
public sealed record FeatureKey(string ImageHash, TowerFingerprint Tower, ScalarType DType)
{
    /// <summary>Bumped whenever the entry layout or the meaning of the features (the DBFusion layout) changes.</summary>
    public const int FormatVersion = 1;

    public static FeatureKey For(PreprocessedImage image, TowerFingerprint tower, ScalarType dtype) => new(image.ContentHash, tower, dtype);

    /// <summary>The key without a deployment prefix: <c>v1:{tower}:{dtype}:{image}</c>.</summary>
    public string Name => $"v{FormatVersion}:{Tower.Hex}:{FeatureDTypes.Name(DType)}:{ImageHash}";

    public override string ToString() => Name;
}
