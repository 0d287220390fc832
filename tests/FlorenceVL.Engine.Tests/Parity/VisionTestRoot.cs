using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Modeling;
using FlorenceVL.Engine.Modeling.ImageEncoder;
using FlorenceVL.Engine.Modeling.Projector;
using FlorenceVL.Engine.Weights;
using TorchSharp;
using TorchSharp.Utils;

namespace FlorenceVL.Engine.Tests.Parity;

/// <summary>
/// The vision half of the whole-model module tree (<c>vision_tower</c>, <c>mm_projector</c>), so the released layout's
/// rules load into it unchanged; the decoder's tensors are reported as unexpected and left alone.
/// </summary>
internal sealed class VisionTestRoot : torch.nn.Module
{
    [ComponentName(Name = "vision_tower")] public readonly Florence2VisionTower VisionTower;
    [ComponentName(Name = "mm_projector")] public readonly FusionProjector Projector;

    public VisionTestRoot(FlorenceVLConfig config, ModelPlacement placement) : base(nameof(VisionTestRoot))
    {
        VisionTower = new Florence2VisionTower(config.Vision, placement);
        Projector = new FusionProjector(config.Projector, placement);
        RegisterComponents();
    }

    public static (VisionTestRoot Root, LoadReport Report) Load(string directory, ModelPlacement placement)
    {
        var root = new VisionTestRoot(FlorenceVLConfig.FromModelDirectory(directory), placement);
        using var checkpoint = SafetensorsCheckpoint.Open(directory);
        var report = CheckpointLoader.Load(root, [new CheckpointSource(checkpoint, WeightLayouts.ReleasedFlorenceVL(packLlama: false))]);
        return (root, report);
    }
}
