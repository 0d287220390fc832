using static TorchSharp.torch;

namespace FlorenceVL.Engine.Inference.Sampling;

/// <summary>
/// Turns a step's logits into tokens. Greedy rows take the argmax; random rows draw from the processed distribution with
/// their own seeded <see cref="Random"/> by inverting the CDF on the host, so a seed gives the same tokens on any device
/// and in any batch. Log-probabilities come from the raw logits (as OpenAI and vLLM report them).
/// </summary>
public static class Sampler
{
    /// <param name="logits">[rows, vocab], one row per sequence that needs a token this step.</param>
    public static IReadOnlyList<SampledToken> Sample(Tensor logits, IReadOnlyList<SamplingRow> rows)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        if (rows.All(r => !NeedsProcessing(r) && !r.Params.Logprobs))
            return ArgmaxOnly(logits);
        var raw = logits.to_type(ScalarType.Float32);
        var wantsLogprobs = rows.Any(r => r.Params.Logprobs);
        var logprobs = wantsLogprobs ? raw.log_softmax(-1) : null;
        var greedyIds = HostArgmax.Supports(raw) ? HostArgmax.Rows(raw) : raw.argmax(-1).cpu().data<long>().ToArray();
        var results = new SampledToken[rows.Count];
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var tokenId = NeedsProcessing(row) ? SampleRow(raw[i], row) : (int)greedyIds[i];
            results[i] = row.Params.Logprobs ? WithLogprobs(tokenId, logprobs![i], row.Params.TopLogprobs) : new SampledToken(tokenId, null, null);
        }
        return results;
    }

    /// <summary>
    /// Every row greedy without penalties or log-probabilities: one argmax in the logits' own dtype (on the CPU a
    /// vectorised scan, see <see cref="HostArgmax"/>). Widening bf16 to float32 is exact, so this picks what the float32
    /// path picks (the first maximum either way).
    /// </summary>
    private static SampledToken[] ArgmaxOnly(Tensor logits)
    {
        var ids = HostArgmax.Supports(logits) ? HostArgmax.Rows(logits) : logits.argmax(-1).cpu().data<long>().ToArray();
        return ids.Select(id => new SampledToken((int)id, null, null)).ToArray();
    }

    private static bool NeedsProcessing(SamplingRow row) =>
        !row.Params.IsGreedy || row.Params.RepetitionPenalty != 1f || row.Params.PresencePenalty != 0f || row.Params.FrequencyPenalty != 0f;

    private static int SampleRow(Tensor logits, SamplingRow row)
    {
        var penalised = LogitsProcessor.ApplyPenalties(logits, row);
        if (row.Params.IsGreedy) return (int)penalised.argmax().item<long>();
        var probs = LogitsProcessor.Truncate(penalised, row.Params).softmax(0).cpu().data<float>().ToArray();
        return DrawFromCdf(probs, row.Random.NextDouble());
    }

    private static int DrawFromCdf(float[] probs, double u)
    {
        double total = 0;
        foreach (var p in probs) total += p;
        var target = u * total;
        double cumulative = 0;
        var last = 0;
        for (var i = 0; i < probs.Length; i++)
        {
            if (probs[i] <= 0) continue;
            last = i;
            cumulative += probs[i];
            if (cumulative > target) return i;
        }
        return last; // rounding left the target just above the total: the last possible token
    }

    private static SampledToken WithLogprobs(int tokenId, Tensor rowLogprobs, int topK)
    {
        var chosen = rowLogprobs[tokenId].item<float>();
        if (topK == 0) return new SampledToken(tokenId, chosen, []);
        var (values, indices) = rowLogprobs.topk(topK);
        var v = values.cpu().data<float>().ToArray();
        var ids = indices.cpu().data<long>().ToArray();
        // A constrained row's forbidden ids are -inf: they are not alternatives, so they are not listed.
        return new SampledToken(tokenId, chosen, ids.Select((id, j) => new TokenLogprob((int)id, v[j])).Where(t => float.IsFinite(t.Logprob)).ToArray());
    }
}
