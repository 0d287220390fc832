using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.Vision;

/// <summary>One DaViT block: a spatial (window) block followed by a channel (group) block.</summary>
internal sealed class DualAttentionBlock : GridModule
{
    [ComponentName(Name = "spatial_block")] private readonly SpatialBlock _spatialBlock;
    [ComponentName(Name = "channel_block")] private readonly ChannelBlock _channelBlock;

    public DualAttentionBlock(long dim, long numHeads, long numGroups, long windowSize, double mlpRatio, ModelPlacement placement)
        : base(nameof(DualAttentionBlock))
    {
        _spatialBlock = new SpatialBlock(dim, numHeads, windowSize, mlpRatio, placement);
        _channelBlock = new ChannelBlock(dim, numGroups, mlpRatio, placement);
        RegisterComponents();
    }

    public override Tensor forward(Tensor tokens, GridSize grid) // tokens: [B, H*W, C]
    {
        using var scope = NewDisposeScope();
        var output = _channelBlock.forward(_spatialBlock.forward(tokens, grid), grid);
        return output.MoveToOuterDisposeScope(); // [B, H*W, C]
    }
}
