using System.Runtime.Intrinsics;
using FlorenceVL.Engine.Inference.Sampling;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Tests.Inference.Sampling;

/// <summary>The vectorised greedy scan must pick exactly what torch's argmax picks, ties and NaNs included.</summary>
public class HostArgmaxTests
{
    [Theory]
    [InlineData(ScalarType.Float32, 32064)]
    [InlineData(ScalarType.BFloat16, 32064)]
    [InlineData(ScalarType.Float32, 1001)]   // a tail shorter than one vector
    [InlineData(ScalarType.BFloat16, 7)]     // no full vector at all
    public void Random_logits_give_torch_argmax(ScalarType dtype, int vocab)
    {
        if (!Vector512.IsHardwareAccelerated) return; // the sampler uses torch's argmax on such CPUs
        manual_seed(11);
        using var logits = (randn(6, vocab) * 4).to(dtype);
        Assert.Equal(TorchArgmax(logits), HostArgmax.Rows(logits));
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    public void Ties_go_to_the_first_index_and_a_nan_wins_as_in_torch(ScalarType dtype)
    {
        if (!Vector512.IsHardwareAccelerated) return;
        var tie = new float[40];
        tie[33] = 2f; tie[17] = 2f; tie[38] = 2f;     // first maximum in the second vector
        var nan = new float[40];
        nan[5] = 9f; nan[29] = float.NaN;
        var allMasked = Enumerable.Repeat(float.NegativeInfinity, 40).ToArray();
        using var logits = stack([tensor(tie), tensor(nan), tensor(allMasked)]).to(dtype);
        var expected = TorchArgmax(logits);
        Assert.Equal([17L, 29L, 0L], expected);
        Assert.Equal(expected, HostArgmax.Rows(logits));
    }

    private static long[] TorchArgmax(Tensor logits) => logits.to(ScalarType.Float32).argmax(-1).data<long>().ToArray();
}
