using FlorenceVL.Engine.Runtime;
using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Modeling.KvCache;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.Decoder;

/// <summary>Pre-norm transformer block: x + attn(norm(x)), then x + mlp(norm(x)).</summary>
internal sealed class DecoderLayer : nn.Module
{
    [ComponentName(Name = "self_attn")] private readonly Attention _selfAttn;
    [ComponentName(Name = "mlp")] private readonly GatedMlp _mlp;
    [ComponentName(Name = "input_layernorm")] private readonly RmsNorm _inputLayernorm;
    [ComponentName(Name = "post_attention_layernorm")] private readonly RmsNorm _postAttentionLayernorm;

    private readonly TextConfig _config;
    private readonly int _layer;

    public DecoderLayer(TextConfig config, int layer, ModelPlacement placement) : base(nameof(DecoderLayer))
    {
        (_config, _layer) = (config, layer);
        _selfAttn = new Attention(config, layer, placement);
        _mlp = new GatedMlp(config.HiddenSize, config.IntermediateSize, placement);
        _inputLayernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, placement);
        _postAttentionLayernorm = new RmsNorm(config.HiddenSize, config.RmsNormEps, placement);
        RegisterComponents();
    }

    public Tensor Forward(Tensor hidden, RotaryAngles rope, PagedAttentionPlan plan, PagedKvCache cache)
    {
        if (hidden.device_type == DeviceType.CPU && hidden.shape[0] <= CpuDecodeLayer.MaxRows)
        {
            var weights = new CpuDecodeLayer.Weights(_inputLayernorm.Weight, _selfAttn.QkvWeight, _selfAttn.OWeight,
                _postAttentionLayernorm.Weight, _mlp.GateUpWeight, _mlp.DownWeight);
            if (CpuDecodeLayer.Supports(hidden, _config, weights, plan, cache))
                return CpuDecodeLayer.Forward(_layer, _config, weights, hidden, rope, plan, cache);
        }
        using var scope = NewDisposeScope();
        var afterAttention = hidden.Plus(_selfAttn.Forward(_inputLayernorm.forward(hidden), rope, plan, cache));
        return afterAttention.Plus(_mlp.forward(_postAttentionLayernorm.forward(afterAttention))).MoveToOuterDisposeScope();
    }
}
