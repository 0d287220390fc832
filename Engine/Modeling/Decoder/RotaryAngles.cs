using FlorenceVL.Engine.Runtime;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.Decoder;

/// <summary>Per-token cos and sin, [numTokens, headDim] in the model dtype, looked up once per forward for all layers.</summary>
internal sealed record RotaryAngles(Tensor Cos, Tensor Sin)
{
    /// <summary>Rotates [numTokens, heads, headDim] by its token's angles (HF's rotate-half convention).</summary>
    public Tensor Apply(Tensor x)
    {
        using var scope = NewDisposeScope();
        var half = x.shape[^1] / 2;
        var rotated = cat([x.narrow(-1, half, half).neg(), x.narrow(-1, 0, half)], -1);
        return (x * Cos.unsqueeze(1)).Plus(rotated * Sin.unsqueeze(1)).MoveToOuterDisposeScope();
    }
}
