using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.ImageEncoder;

/// <summary>Bidirectional multi-head self-attention of the Florence-2 (BART) encoder; no mask: prompt pads are attended.</summary>
internal sealed class BartAttention : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "q_proj")] private readonly Linear _qProj;
    [ComponentName(Name = "k_proj")] private readonly Linear _kProj;
    [ComponentName(Name = "v_proj")] private readonly Linear _vProj;
    [ComponentName(Name = "out_proj")] private readonly Linear _outProj;
    private readonly long _numHeads;

    public BartAttention(long dim, long numHeads, ModelPlacement placement) : base(nameof(BartAttention))
    {
        _qProj = nn.Linear(dim, dim, hasBias: true, device: placement.Device, dtype: placement.DType);
        _kProj = nn.Linear(dim, dim, hasBias: true, device: placement.Device, dtype: placement.DType);
        _vProj = nn.Linear(dim, dim, hasBias: true, device: placement.Device, dtype: placement.DType);
        _outProj = nn.Linear(dim, dim, hasBias: true, device: placement.Device, dtype: placement.DType);
        _numHeads = numHeads;
        RegisterComponents();
    }

    public override Tensor forward(Tensor hiddenStates) // hiddenStates: [N, L, d]
    {
        using var scope = NewDisposeScope();
        var (batch, length, dim) = (hiddenStates.shape[0], hiddenStates.shape[1], hiddenStates.shape[2]);
        var query = SplitHeads(_qProj.forward(hiddenStates));                                 // [N, heads, L, hd]
        var key = SplitHeads(_kProj.forward(hiddenStates));
        var value = SplitHeads(_vProj.forward(hiddenStates));
        var attended = nn.functional.scaled_dot_product_attention(query, key, value);        // scale hd^-0.5, as BART
        var output = _outProj.forward(attended.transpose(1, 2).reshape(batch, length, dim)); // [N, L, d]
        return output.MoveToOuterDisposeScope();
    }

    private Tensor SplitHeads(Tensor projected) // [N, L, d] -> [N, heads, L, hd]
    {
        var (batch, length, dim) = (projected.shape[0], projected.shape[1], projected.shape[2]);
        return projected.view(batch, length, _numHeads, dim / _numHeads).transpose(1, 2);
    }
}
