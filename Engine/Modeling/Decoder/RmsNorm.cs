using FlorenceVL.Engine.Runtime;
using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.Decoder;

/// <summary>
/// Root-mean-square layer norm (no mean subtraction, no bias). Computed in float32 and cast back before the weight,
/// as HF's Phi-3 and Llama do, so bfloat16 models keep the reference's rounding.
/// </summary>
internal sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly double _eps;

    [ComponentName(Name = "weight")] private readonly Parameter _weight;

    public RmsNorm(long size, double eps, ModelPlacement placement) : base(nameof(RmsNorm))
    {
        _eps = eps;
        _weight = new Parameter(ones(size, placement.DType, placement.Device));
        RegisterComponents();
    }

    internal Tensor Weight => _weight;

    public override Tensor forward(Tensor input)
    {
        using var scope = NewDisposeScope();
        var x = input.to_type(ScalarType.Float32);
        // x * x, not square(): TorchSharp's square() is pow with a collectable temporary Scalar (see ScalarSafeOps);
        // 2 of 18 memory bench runs failed on it ("INTERNAL ASSERT FAILED ... Scalar.h" from pow).
        var normalized = x * rsqrt(x.mul(x).mean([-1L], keepdim: true).Plus(_eps));
        return (_weight * normalized.to_type(input.dtype)).MoveToOuterDisposeScope();
    }
}
