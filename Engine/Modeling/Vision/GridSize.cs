using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.Vision;

/// <summary>Height and width of a token grid; DaViT's blocks see tokens flattened row-major as [B, Height*Width, C].</summary>
public readonly record struct GridSize(long Height, long Width)
{
    public long NumTokens => Height * Width;

    /// <summary>The spatial size of an NCHW feature map.</summary>
    public static GridSize Of(Tensor featureMap) => new(featureMap.shape[^2], featureMap.shape[^1]);
}
