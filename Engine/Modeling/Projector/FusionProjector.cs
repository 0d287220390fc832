using FlorenceVL.Engine.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.Projector;

/// <summary>
/// LLaVA's <c>mlpNx_gelu</c> projector from fused vision features to the LLM width: Linear(fused -> H), then
/// (GELU, Linear(H -> H)) N-1 times; exact GELU, biases everywhere, no norm.
/// </summary>
public sealed class FusionProjector : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "layers")] private readonly ModuleList<Linear> _layers;

    public FusionProjector(ProjectorConfig config, ModelPlacement placement) : base(nameof(FusionProjector))
    {
        _layers = new ModuleList<Linear>(Enumerable.Range(0, config.Depth)
            .Select(k => nn.Linear(k == 0 ? config.FusedDim : config.TextHiddenSize, config.TextHiddenSize, hasBias: true,
                device: placement.Device, dtype: placement.DType))
            .ToArray());
        RegisterComponents();
    }

    public override Tensor forward(Tensor fusedFeatures) // fusedFeatures: [..., FusedDim]
    {
        using var scope = NewDisposeScope();
        var hidden = _layers[0].forward(fusedFeatures);
        foreach (var layer in _layers.Skip(1))
            hidden = layer.forward(nn.functional.gelu(hidden));
        return hidden.MoveToOuterDisposeScope(); // [..., TextHiddenSize]
    }
}
