using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.Vision;

/// <summary>DaViT channel block: conv residual, channel attention (pre-norm), conv residual, MLP (pre-norm).</summary>
internal sealed class ChannelBlock : GridModule
{
    [ComponentName(Name = "conv1")] private readonly PreNorm _conv1;
    [ComponentName(Name = "channel_attn")] private readonly PreNorm _channelAttn;
    [ComponentName(Name = "conv2")] private readonly PreNorm _conv2;
    [ComponentName(Name = "ffn")] private readonly PreNorm _ffn;

    public ChannelBlock(long dim, long numGroups, double mlpRatio, ModelPlacement placement) : base(nameof(ChannelBlock))
    {
        _conv1 = new PreNorm(null, new DepthWiseConv2d(dim, placement));
        _channelAttn = new PreNorm(VisionLayerNorm.Create(dim, placement), new ChannelAttention(dim, numGroups, placement));
        _conv2 = new PreNorm(null, new DepthWiseConv2d(dim, placement));
        _ffn = new PreNorm(VisionLayerNorm.Create(dim, placement), new VisionMlp(dim, (long)(dim * mlpRatio), placement));
        RegisterComponents();
    }

    public override Tensor forward(Tensor tokens, GridSize grid) // tokens: [B, H*W, C]
    {
        using var scope = NewDisposeScope();
        var hidden = _channelAttn.forward(_conv1.forward(tokens, grid), grid);
        var output = _ffn.forward(_conv2.forward(hidden, grid), grid);
        return output.MoveToOuterDisposeScope(); // [B, H*W, C]
    }
}
