using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.Vision;

/// <summary>
/// A DaViT stage's patch embedding: a strided convolution with one LayerNorm, either before it (over the previous
/// stage's channels, <c>patch_prenorm</c>) or after it (over this stage's channels). NCHW in, NCHW out.
/// </summary>
internal sealed class ConvEmbed : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "proj")] private readonly Conv2d _proj;
    [ComponentName(Name = "norm")] private readonly LayerNorm _norm;
    private readonly bool _isPreNorm;
    private readonly bool _appliesPreNorm;

    public ConvEmbed(long inChannels, long outChannels, long kernelSize, long stride, long padding, bool isPreNorm, bool isFirstStage,
        ModelPlacement placement) : base(nameof(ConvEmbed))
    {
        _proj = nn.Conv2d(inChannels, outChannels, kernelSize, stride: stride, padding: padding, bias: true, device: placement.Device, dtype: placement.DType);
        _norm = VisionLayerNorm.Create(isPreNorm ? inChannels : outChannels, placement);
        _isPreNorm = isPreNorm;
        // The reference pre-normalises only token input, never raw pixels: a first-stage pre-norm exists but is not applied.
        _appliesPreNorm = isPreNorm && !isFirstStage;
        RegisterComponents();
    }

    public override Tensor forward(Tensor featureMap) // featureMap: [B, C_in, H, W]
    {
        using var scope = NewDisposeScope();
        var input = _appliesPreNorm ? NormalizeChannels(featureMap) : featureMap;
        var embedded = _proj.forward(input);                                        // [B, C_out, H', W']
        var output = _isPreNorm ? embedded : NormalizeChannels(embedded);
        return output.MoveToOuterDisposeScope();
    }

    private Tensor NormalizeChannels(Tensor featureMap) => // [B, C, H, W], LayerNorm over C
        _norm.forward(featureMap.permute(0, 2, 3, 1)).permute(0, 3, 1, 2);
}
