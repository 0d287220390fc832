using System.Runtime.Intrinsics;
using FlorenceVL.Engine.Modeling.Decoder;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Tests.Modeling;

/// <summary>
/// The bf16 decode-row kernel against an independent reference: the same bf16 values multiplied in float64 and
/// rounded once to bf16. float32 accumulation may land on the other side of a bf16 rounding boundary only when the
/// exact sum sits within float32 summation error of it, so every output is within one bf16 step plus that error
/// bound (large only where terms cancel), and nearly all are exactly the correctly rounded product.
/// </summary>
public class BFloat16GemvTests
{
    [Theory]
    [InlineData(1, 4, 16)]
    [InlineData(1, 1028, 528)]
    [InlineData(3, 260, 80)]
    [InlineData(4, 32064, 512)]
    public void Kernel_matches_a_float64_product_rounded_to_bf16(int rows, int outputs, int inputs)
    {
        if (!Vector512.IsHardwareAccelerated) return; // libtorch runs the projection on such CPUs
        manual_seed(rows * 7 + outputs);
        using var projection = nn.Linear(inputs, outputs, hasBias: false, dtype: ScalarType.BFloat16);
        using var x = randn(rows, inputs).to(ScalarType.BFloat16);
        using var noGrad = no_grad();

        using var actual = ProjectionForward.Apply(projection, x);

        using var exact = x.to(ScalarType.Float64).matmul(projection.weight!.to(ScalarType.Float64).t());
        using var expected = exact.to(ScalarType.BFloat16);
        Assert.Equal(ScalarType.BFloat16, actual.dtype);
        Assert.Equal(expected.shape, actual.shape);
        // Allowed: one bf16 step of the result, plus float32 summation's own bound (Higham: k unit roundoffs times the
        // sum of |terms|), which matters where terms cancel and the result is small next to them.
        using var step = expected.to(ScalarType.Float64).abs() * (1.0 / 128) + 1e-30;
        using var magnitudes = x.to(ScalarType.Float64).abs().matmul(projection.weight!.to(ScalarType.Float64).abs().t());
        using var allowed = step + magnitudes * (inputs * Math.Pow(2, -24));
        using var difference = (actual.to(ScalarType.Float64) - expected.to(ScalarType.Float64)).abs();
        var worst = (difference - allowed).flatten().argmax().item<long>();
        Assert.True((difference <= allowed).all().item<bool>(),
            $"max difference {difference.max().item<double>()}: ours {actual.flatten()[worst].to(ScalarType.Float32).item<float>()}, "
            + $"expected {expected.flatten()[worst].to(ScalarType.Float32).item<float>()}, exact {exact.flatten()[worst].item<double>()}");
        var exactShare = (difference == 0).to(ScalarType.Float32).mean().item<float>();
        Assert.True(exactShare > 0.99f, $"only {exactShare:P2} of outputs are the correctly rounded product");
    }

    [Fact]
    public void A_row_gives_the_same_bits_alone_as_with_other_rows()
    {
        if (!Vector512.IsHardwareAccelerated) return;
        manual_seed(3);
        using var projection = nn.Linear(96, 40, hasBias: false, dtype: ScalarType.BFloat16);
        using var x = randn(4, 96).to(ScalarType.BFloat16);
        using var noGrad = no_grad();
        using var together = ProjectionForward.Apply(projection, x);
        for (var row = 0; row < 4; row++)
        {
            using var alone = ProjectionForward.Apply(projection, x.narrow(0, row, 1));
            Assert.True(alone[0].equal(together[row]).all().item<bool>(), $"row {row} alone differs from the four together");
        }
    }

    [Theory]
    [InlineData(1.0f, (ushort)0x3F80)]
    [InlineData(1.00390625f, (ushort)0x3F80)]   // exactly half a step above 1: ties to even (down)
    [InlineData(1.01171875f, (ushort)0x3F82)]   // half a step above an odd mantissa: ties to even (up)
    [InlineData(-2.5f, (ushort)0xC020)]
    public void Rounding_to_bf16_is_to_nearest_even(float value, ushort expected) =>
        Assert.Equal(expected, CpuBFloat16Gemv.ToBFloat16(value));
}
