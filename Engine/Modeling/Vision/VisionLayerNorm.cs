using TorchSharp;
using TorchSharp.Modules;

namespace FlorenceVL.Engine.Modeling.Vision;

/// <summary>The LayerNorm every Florence-2 vision part uses (PyTorch default eps 1e-5), created on a placement.</summary>
internal static class VisionLayerNorm
{
    public const double Eps = 1e-5;

    public static LayerNorm Create(long dim, ModelPlacement placement) =>
        torch.nn.LayerNorm(dim, Eps, device: placement.Device, dtype: placement.DType);
}
