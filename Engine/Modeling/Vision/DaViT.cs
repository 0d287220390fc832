using FlorenceVL.Engine.Configuration;
using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.Vision;

/// <summary>
/// The DaViT backbone as Florence-2 uses it (<c>forward_features_unpool</c>: no final norm, pooling or head).
/// Each stage is a patch embedding then <c>depths[i]</c> dual-attention blocks. Pixels NCHW in, features NCHW out.
/// </summary>
internal sealed class DaViT : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "convs")] private readonly ModuleList<ConvEmbed> _convs;
    [ComponentName(Name = "blocks")] private readonly ModuleList<ModuleList<DualAttentionBlock>> _blocks;

    public DaViT(DaViTConfig config, ModelPlacement placement) : base(nameof(DaViT))
    {
        _convs = new ModuleList<ConvEmbed>();
        _blocks = new ModuleList<ModuleList<DualAttentionBlock>>();
        for (var stage = 0; stage < config.NumStages; stage++)
        {
            var inChannels = stage == 0 ? 3 : config.DimEmbed[stage - 1];
            _convs.Add(new ConvEmbed(inChannels, config.DimEmbed[stage], config.PatchSize[stage], config.PatchStride[stage],
                config.PatchPadding[stage], config.PatchPrenorm[stage], isFirstStage: stage == 0, placement));
            var stageBlocks = new ModuleList<DualAttentionBlock>();
            for (var block = 0; block < config.Depths[stage]; block++)
                stageBlocks.Add(new DualAttentionBlock(config.DimEmbed[stage], config.NumHeads[stage], config.NumGroups[stage],
                    config.WindowSize, config.MlpRatio, placement));
            _blocks.Add(stageBlocks);
        }
        RegisterComponents();
    }

    public override Tensor forward(Tensor pixelValues) // pixelValues: [B, 3, H, W]
    {
        using var scope = NewDisposeScope();
        var featureMap = pixelValues;
        for (var stage = 0; stage < _convs.Count; stage++)
            featureMap = RunBlocks(_blocks[stage], _convs[stage].forward(featureMap));
        return featureMap.MoveToOuterDisposeScope(); // [B, C_last, H/32, W/32]
    }

    private static Tensor RunBlocks(ModuleList<DualAttentionBlock> blocks, Tensor featureMap) // [B, C, h, w]
    {
        var grid = GridSize.Of(featureMap);
        var (batch, channels) = (featureMap.shape[0], featureMap.shape[1]);
        var tokens = featureMap.flatten(2).transpose(1, 2);                               // [B, h*w, C]
        foreach (var block in blocks)
            tokens = block.forward(tokens, grid);
        return tokens.transpose(1, 2).reshape(batch, channels, grid.Height, grid.Width); // [B, C, h, w]
    }
}
