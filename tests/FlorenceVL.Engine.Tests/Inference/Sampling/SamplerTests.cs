using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Inference.Sampling;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Tests.Inference.Sampling;

public class SamplerTests
{
    private static SamplingRow Row(SamplingParams p, int seed = 1, int[]? output = null, int[]? prompt = null) =>
        new(p, prompt ?? [], output ?? [], new Random(seed));

    private static Tensor Logits(params float[][] rows) => stack(rows.Select(r => tensor(r)).ToArray());

    [Fact]
    public void Greedy_rows_take_the_most_likely_token()
    {
        using var logits = Logits([0f, 3f, 1f], [5f, 0f, 1f]);
        var tokens = Sampler.Sample(logits, [Row(new() { Temperature = 0 }), Row(new() { Temperature = 0 })]);
        Assert.Equal([1, 0], tokens.Select(t => t.TokenId));
    }

    [Fact]
    public void A_seed_gives_the_same_tokens_whatever_else_is_in_the_batch()
    {
        var p = new SamplingParams { Temperature = 1f };
        float[] row = [0.1f, 0.5f, 0.2f, 0.9f, 0.3f];
        var random = new Random(42);
        var rngAlone = new Random(7);
        var rngBatched = new Random(7);
        for (var i = 0; i < 20; i++)
        {
            using var single = Logits(row);
            var a = Sampler.Sample(single, [new SamplingRow(p, [], [], rngAlone)])[0].TokenId;
            var other = Enumerable.Range(0, 5).Select(_ => (float)random.NextDouble()).ToArray();
            using var batch = Logits(other, row);
            var b = Sampler.Sample(batch, [Row(p, seed: i), new SamplingRow(p, [], [], rngBatched)])[1].TokenId;
            Assert.Equal(a, b);
        }
    }

    [Fact]
    public void Sampling_follows_the_softmax_distribution()
    {
        var probabilities = new[] { 0.5, 0.3, 0.2 };
        using var logits = Logits(probabilities.Select(p => (float)Math.Log(p)).ToArray());
        var row = Row(new SamplingParams { Temperature = 1f }, seed: 3);
        var counts = new int[3];
        for (var i = 0; i < 3000; i++) counts[Sampler.Sample(logits, [row])[0].TokenId]++;
        for (var k = 0; k < 3; k++)
            Assert.InRange(counts[k] / 3000.0, probabilities[k] - 0.04, probabilities[k] + 0.04);
    }

    [Theory]
    [InlineData(1, 0f, 1f)]     // top_k = 1
    [InlineData(null, 0f, 0.3f)] // top_p below the top token's mass
    [InlineData(null, 0.9f, 1f)] // min_p keeps only tokens near the top
    public void Truncation_leaves_only_the_top_token_when_it_is_tight(int? topK, float minP, float topP)
    {
        using var logits = Logits([1f, 2f, 4f, 3f]);
        var row = Row(new SamplingParams { Temperature = 1.5f, TopK = topK, MinP = minP, TopP = topP });
        for (var i = 0; i < 50; i++) Assert.Equal(2, Sampler.Sample(logits, [row])[0].TokenId);
    }

    [Fact]
    public void Repetition_penalty_demotes_tokens_already_seen()
    {
        using var logits = Logits([2.0f, 1.5f, 0f]);
        var tokens = Sampler.Sample(logits, [Row(new SamplingParams { Temperature = 0, RepetitionPenalty = 2f }, prompt: [0])]);
        Assert.Equal(1, tokens[0].TokenId); // 2.0 / 2 = 1.0 < 1.5
    }

    [Fact]
    public void Frequency_penalty_grows_with_each_repeat()
    {
        using var logits = Logits([2.0f, 1.5f, 0f]);
        var once = Sampler.Sample(logits, [Row(new SamplingParams { Temperature = 0, FrequencyPenalty = 0.4f }, output: [0])]);
        var twice = Sampler.Sample(logits, [Row(new SamplingParams { Temperature = 0, FrequencyPenalty = 0.4f }, output: [0, 0])]);
        Assert.Equal(0, once[0].TokenId);  // 2.0 - 0.4 = 1.6 > 1.5
        Assert.Equal(1, twice[0].TokenId); // 2.0 - 0.8 = 1.2 < 1.5
    }

    [Fact]
    public void Logprobs_come_from_the_raw_distribution_with_sorted_alternatives()
    {
        using var logits = Logits([1f, 3f, 2f, 0f]);
        var token = Sampler.Sample(logits, [Row(new SamplingParams { Temperature = 0, Logprobs = true, TopLogprobs = 2 })])[0];
        var expected = logits[0].log_softmax(0);
        Assert.Equal(expected[1].item<float>(), token.Logprob!.Value, 5);
        Assert.Equal([1, 2], token.TopLogprobs!.Select(t => t.TokenId));
        Assert.True(token.TopLogprobs![0].Logprob >= token.TopLogprobs[1].Logprob);
    }
}
