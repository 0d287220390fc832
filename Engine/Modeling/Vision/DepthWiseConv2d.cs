using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.Vision;

/// <summary>3x3 depthwise convolution over grid tokens (DaViT's conv1/conv2, the blocks' only positional signal).</summary>
internal sealed class DepthWiseConv2d : GridModule
{
    [ComponentName(Name = "dw")] private readonly Conv2d _dw;

    public DepthWiseConv2d(long dim, ModelPlacement placement) : base(nameof(DepthWiseConv2d))
    {
        _dw = nn.Conv2d(dim, dim, kernel_size: 3, padding: 1, groups: dim, bias: true, device: placement.Device, dtype: placement.DType);
        RegisterComponents();
    }

    public override Tensor forward(Tensor tokens, GridSize grid) // tokens: [B, H*W, C]
    {
        using var scope = NewDisposeScope();
        var (batch, channels) = (tokens.shape[0], tokens.shape[2]);
        var featureMap = tokens.transpose(1, 2).reshape(batch, channels, grid.Height, grid.Width); // [B, C, H, W]
        var output = _dw.forward(featureMap).flatten(2).transpose(1, 2);                        // [B, H*W, C]
        return output.MoveToOuterDisposeScope();
    }
}
