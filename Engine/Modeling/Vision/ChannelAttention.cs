using FlorenceVL.Engine.Runtime;
using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.Vision;

/// <summary>
/// DaViT's channel ("group") attention: within each group the channels attend to each other over all tokens, giving a
/// [Cg, Cg] attention map. The reference scales q by N^-0.5 with N the number of TOKENS, not channels; kept as is.
/// </summary>
internal sealed class ChannelAttention : GridModule
{
    [ComponentName(Name = "qkv")] private readonly Linear _qkv;
    [ComponentName(Name = "proj")] private readonly Linear _proj;
    private readonly long _numGroups;

    public ChannelAttention(long dim, long numGroups, ModelPlacement placement) : base(nameof(ChannelAttention))
    {
        _qkv = nn.Linear(dim, 3 * dim, hasBias: true, device: placement.Device, dtype: placement.DType);
        _proj = nn.Linear(dim, dim, hasBias: true, device: placement.Device, dtype: placement.DType);
        _numGroups = numGroups;
        RegisterComponents();
    }

    public override Tensor forward(Tensor tokens, GridSize grid) // tokens: [B, N, C]
    {
        using var scope = NewDisposeScope();
        var (batch, numTokens, channels) = (tokens.shape[0], tokens.shape[1], tokens.shape[2]);
        var qkv = _qkv.forward(tokens).view(batch, numTokens, 3, _numGroups, channels / _numGroups).permute(2, 0, 3, 1, 4); // [3, B, G, N, Cg]
        var query = qkv[0].Times(Math.Pow(numTokens, -0.5));
        var attention = query.transpose(-1, -2).matmul(qkv[1]).softmax(-1);                // [B, G, Cg, Cg]
        var attended = attention.matmul(qkv[2].transpose(-1, -2)).transpose(-1, -2);       // [B, G, N, Cg]
        var output = _proj.forward(attended.transpose(1, 2).reshape(batch, numTokens, channels));
        return output.MoveToOuterDisposeScope(); // [B, N, C]
    }
}
