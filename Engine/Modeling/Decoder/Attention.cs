using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Modeling.KvCache;
using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.Decoder;

/// <summary>
/// Self-attention with a fused q/k/v projection (rows: q, then k, then v; Llama's separate projections are packed at
/// load) and grouped KV heads. Attends through the paged cache (<see cref="PagedAttention"/>).
/// </summary>
internal sealed class Attention : nn.Module
{
    [ComponentName(Name = "qkv_proj")] private readonly Linear _qkvProj;
    [ComponentName(Name = "o_proj")] private readonly Linear _oProj;
    private readonly int _layer;
    private readonly long _heads;
    private readonly long _kvHeads;
    private readonly long _headDim;

    public Attention(TextConfig config, int layer, ModelPlacement placement) : base(nameof(Attention))
    {
        _layer = layer;
        (_heads, _kvHeads, _headDim) = (config.NumAttentionHeads, config.NumKeyValueHeads, config.HeadDim);
        _qkvProj = nn.Linear(config.HiddenSize, config.QkvOutputSize, hasBias: false, placement.Device, placement.DType);
        _oProj = nn.Linear(_heads * _headDim, config.HiddenSize, hasBias: false, placement.Device, placement.DType);
        RegisterComponents();
    }

    internal Tensor QkvWeight => _qkvProj.weight!;
    internal Tensor OWeight => _oProj.weight!;

    /// <param name="hidden">[numTokens, hidden]</param>
    public Tensor Forward(Tensor hidden, RotaryAngles rope, PagedAttentionPlan plan, PagedKvCache cache)
    {
        using var scope = NewDisposeScope();
        var numTokens = hidden.shape[0];
        var qkv = ProjectionForward.Apply(_qkvProj, hidden);
        // q and k heads are adjacent in the fused rows: rotate them in one pass.
        var qk = rope.Apply(qkv.narrow(1, 0, (_heads + _kvHeads) * _headDim).view(numTokens, _heads + _kvHeads, _headDim));
        var q = qk.narrow(1, 0, _heads);
        var k = qk.narrow(1, _heads, _kvHeads);
        var v = qkv.narrow(1, (_heads + _kvHeads) * _headDim, _kvHeads * _headDim).view(numTokens, _kvHeads, _headDim);
        var attended = PagedAttention.Forward(_layer, q, k, v, plan, cache);
        return ProjectionForward.Apply(_oProj, attended.reshape(numTokens, _heads * _headDim)).MoveToOuterDisposeScope();
    }
}
