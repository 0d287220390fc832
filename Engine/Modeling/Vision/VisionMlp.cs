using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.Vision;

/// <summary>DaViT's feed-forward: fc1 (C -> ratio*C), exact GELU, fc2; nested under <c>net</c> as the checkpoint names it.</summary>
internal sealed class VisionMlp : GridModule
{
    [ComponentName(Name = "net")] private readonly Sequential _net;

    public VisionMlp(long dim, long hiddenDim, ModelPlacement placement) : base(nameof(VisionMlp))
    {
        _net = nn.Sequential(
            ("fc1", nn.Linear(dim, hiddenDim, hasBias: true, device: placement.Device, dtype: placement.DType)),
            ("act", nn.GELU()),
            ("fc2", nn.Linear(hiddenDim, dim, hasBias: true, device: placement.Device, dtype: placement.DType)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor tokens, GridSize grid) => _net.forward(tokens); // [B, N, C] -> [B, N, C]
}
