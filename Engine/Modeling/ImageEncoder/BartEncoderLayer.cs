using FlorenceVL.Engine.Runtime;
using FlorenceVL.Engine.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.ImageEncoder;

/// <summary>A post-LN BART encoder layer: LN(x + attn(x)), then LN(h + fc2(gelu(fc1(h)))).</summary>
internal sealed class BartEncoderLayer : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "self_attn")] private readonly BartAttention _selfAttn;
    [ComponentName(Name = "self_attn_layer_norm")] private readonly LayerNorm _selfAttnLayerNorm;
    [ComponentName(Name = "fc1")] private readonly Linear _fc1;
    [ComponentName(Name = "fc2")] private readonly Linear _fc2;
    [ComponentName(Name = "final_layer_norm")] private readonly LayerNorm _finalLayerNorm;

    public BartEncoderLayer(Florence2EncoderConfig config, ModelPlacement placement) : base(nameof(BartEncoderLayer))
    {
        _selfAttn = new BartAttention(config.DModel, config.EncoderAttentionHeads, placement);
        _selfAttnLayerNorm = nn.LayerNorm(config.DModel, config.LayerNormEps, device: placement.Device, dtype: placement.DType);
        _fc1 = nn.Linear(config.DModel, config.EncoderFfnDim, hasBias: true, device: placement.Device, dtype: placement.DType);
        _fc2 = nn.Linear(config.EncoderFfnDim, config.DModel, hasBias: true, device: placement.Device, dtype: placement.DType);
        _finalLayerNorm = nn.LayerNorm(config.DModel, config.LayerNormEps, device: placement.Device, dtype: placement.DType);
        RegisterComponents();
    }

    public override Tensor forward(Tensor hiddenStates) // hiddenStates: [N, L, d]
    {
        using var scope = NewDisposeScope();
        var attended = _selfAttnLayerNorm.forward(hiddenStates.Plus(_selfAttn.forward(hiddenStates)));
        var feedForward = _fc2.forward(nn.functional.gelu(_fc1.forward(attended)));
        var output = _finalLayerNorm.forward(attended.Plus(feedForward));
        return output.MoveToOuterDisposeScope(); // [N, L, d]
    }
}
