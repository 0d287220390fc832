using FlorenceVL.Engine.Inference.Sampling;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Tests.Inference.Sampling;

/// <summary>Filling the unsampleable columns by index must do exactly what a masked fill over the whole vocabulary does.</summary>
public class UnsampleableIdsTests
{
    [Fact]
    public void Excluded_ids_become_negative_infinity_in_every_row_and_nothing_else_changes()
    {
        manual_seed(5);
        using var logits = randn(4, 300);
        using var mask = zeros(300, ScalarType.Bool);
        var banned = new long[] { 0, 7, 299 }.Concat(logits.argmax(1).data<long>().ToArray()).Distinct().ToArray();
        using var bannedIds = tensor(banned);
        mask.index_fill_(0, bannedIds, true);
        using var expected = logits.masked_fill(mask, float.NegativeInfinity);
        using var ids = new UnsampleableIds(mask);

        ids.Exclude(logits);

        Assert.Equal(banned.Length, ids.Count);
        Assert.True(logits.equal(expected).all().item<bool>());
        Assert.DoesNotContain(logits.argmax(1).data<long>().ToArray(), banned.Contains);
    }

    [Fact]
    public void A_mask_that_is_not_a_bool_vector_is_refused()
    {
        using var notBool = zeros(10);
        Assert.Throws<ArgumentException>(() => new UnsampleableIds(notBool));
    }
}
