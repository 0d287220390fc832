using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.Decoder;

/// <summary>SwiGLU feed-forward: down(silu(gate) * up), with gate and up fused in one projection (gate rows first).</summary>
internal sealed class GatedMlp : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "gate_up_proj")] private readonly Linear _gateUpProj;
    [ComponentName(Name = "down_proj")] private readonly Linear _downProj;
    private readonly long _intermediateSize;

    public GatedMlp(long hiddenSize, long intermediateSize, ModelPlacement placement) : base(nameof(GatedMlp))
    {
        _intermediateSize = intermediateSize;
        _gateUpProj = nn.Linear(hiddenSize, 2 * intermediateSize, hasBias: false, placement.Device, placement.DType);
        _downProj = nn.Linear(intermediateSize, hiddenSize, hasBias: false, placement.Device, placement.DType);
        RegisterComponents();
    }

    internal Tensor GateUpWeight => _gateUpProj.weight!;
    internal Tensor DownWeight => _downProj.weight!;

    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        var gateUp = ProjectionForward.Apply(_gateUpProj, hidden);
        var gate = gateUp.narrow(-1, 0, _intermediateSize);
        var up = gateUp.narrow(-1, _intermediateSize, _intermediateSize);
        return ProjectionForward.Apply(_downProj, nn.functional.silu(gate) * up).MoveToOuterDisposeScope();
    }
}
