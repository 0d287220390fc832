using FlorenceVL.Engine.Runtime;
using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.Vision;

/// <summary>
/// DaViT's residual wrapper: <c>x + fn(norm(x))</c>, or <c>x + fn(x)</c> when there is no norm (the depthwise convs).
/// Kept as its own module because the checkpoint names go through it (<c>window_attn.norm</c>, <c>window_attn.fn.qkv</c>).
/// </summary>
internal sealed class PreNorm : GridModule
{
    [ComponentName(Name = "norm")] private readonly LayerNorm? _norm;
    [ComponentName(Name = "fn")] private readonly GridModule _fn;

    public PreNorm(LayerNorm? norm, GridModule fn) : base(nameof(PreNorm))
    {
        _norm = norm;
        _fn = fn;
        RegisterComponents();
    }

    public override Tensor forward(Tensor tokens, GridSize grid) // tokens: [B, H*W, C]
    {
        using var scope = NewDisposeScope();
        var normed = _norm is null ? tokens : _norm.forward(tokens);
        var output = tokens.Plus(_fn.forward(normed, grid));
        return output.MoveToOuterDisposeScope(); // [B, H*W, C]
    }
}
