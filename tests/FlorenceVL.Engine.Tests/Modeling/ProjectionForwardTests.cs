using System.Runtime.Intrinsics;
using FlorenceVL.Engine.Modeling.Decoder;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Tests.Modeling;

/// <summary>
/// The float32 CPU projection kernel must give libtorch's linear (to float32 rounding) for any batch and shape it takes,
/// give a row the same bits whatever else is in its batch, and leave autograd and unsupported shapes to libtorch.
/// </summary>
public class ProjectionForwardTests
{
    /// <param name="rows">1: a single stream's decode; 7 and 32: tiles of 6, 2 and 1 rows; 200: more than one block of 96 rows.</param>
    [Theory]
    [InlineData(1, 12, 16)]
    [InlineData(7, 1028, 64)]
    [InlineData(32, 260, 528)]
    [InlineData(200, 36, 96)]
    public void Float32_kernel_matches_libtorch_linear(int rows, int outputs, int inputs)
    {
        if (!Vector512.IsHardwareAccelerated) return; // libtorch runs the projection on such CPUs
        manual_seed(rows);
        using var projection = nn.Linear(inputs, outputs, hasBias: false);
        using var x = randn(rows, inputs);
        using var noGrad = no_grad();
        using var expected = nn.functional.linear(x, projection.weight!);
        using var actual = ProjectionForward.Apply(projection, x);
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(actual.allclose(expected, rtol: 1e-5, atol: 1e-5), $"max difference {(actual - expected).abs().max().item<float>()}");
    }

    [Fact]
    public void A_row_gives_the_same_bits_alone_as_in_any_batch()
    {
        if (!Vector512.IsHardwareAccelerated) return;
        manual_seed(8);
        using var projection = nn.Linear(80, 44, hasBias: false);
        using var x = randn(131, 80);
        using var noGrad = no_grad();
        using var batched = ProjectionForward.Apply(projection, x);
        foreach (var row in new[] { 0, 5, 6, 97, 130 })
        {
            using var alone = ProjectionForward.Apply(projection, x.narrow(0, row, 1));
            using var inPair = ProjectionForward.Apply(projection, x.narrow(0, row, Math.Min(2, 131 - row)));
            Assert.True(alone[0].equal(batched[row]).all().item<bool>(), $"row {row} alone differs from the batch of 131");
            Assert.True(inPair[0].equal(batched[row]).all().item<bool>(), $"row {row} in a pair differs from the batch of 131");
        }
    }

    [Fact]
    public unsafe void Column_ranges_computed_apart_equal_the_whole()
    {
        if (!Vector512.IsHardwareAccelerated) return;
        var random = new Random(2);
        var (m, n, k) = (9, 24, 32);
        var x = Enumerable.Range(0, m * k).Select(_ => random.NextSingle() - 0.5f).ToArray();
        var w = Enumerable.Range(0, n * k).Select(_ => random.NextSingle() - 0.5f).ToArray();
        var whole = new float[m * n];
        var parts = new float[m * n];
        fixed (float* xp = x, wp = w, wholeP = whole, partsP = parts)
        {
            CpuFloat32Gemm.Run(xp, m, wp, n, k, wholeP, 0, n);
            CpuFloat32Gemm.Run(xp, m, wp, n, k, partsP, 0, 8);       // as two workers would split the outputs
            CpuFloat32Gemm.Run(xp, m, wp, n, k, partsP, 8, n);
        }
        Assert.Equal(whole, parts);
    }

    [Fact]
    public void With_autograd_on_the_projection_stays_differentiable()
    {
        manual_seed(3);
        using var projection = nn.Linear(32, 8, hasBias: false);
        using var x = randn(3, 32);
        using var y = ProjectionForward.Apply(projection, x);
        Assert.True(y.requires_grad);
        y.sum().backward();
        Assert.NotNull(projection.weight!.grad);
    }

    [Fact]
    public void Shapes_the_kernel_does_not_take_go_to_libtorch_unchanged()
    {
        manual_seed(4);
        using var projection = nn.Linear(20, 6, hasBias: false);   // 20 inputs: not whole vectors; 6 outputs: not whole tiles
        using var x = randn(5, 20);
        using var noGrad = no_grad();
        using var expected = nn.functional.linear(x, projection.weight!);
        using var actual = ProjectionForward.Apply(projection, x);
        Assert.True(actual.equal(expected).all().item<bool>());
    }
}
