using FlorenceVL.Engine.Runtime;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Inference.Sampling;

/// <summary>
/// Penalties and truncation applied to one row of logits, in vLLM's order: repetition penalty (HF semantics, prompt and
/// output tokens), presence and frequency penalties (OpenAI semantics, output tokens only), temperature, then top-k,
/// top-p and min-p masks.
/// </summary>
internal static class LogitsProcessor
{
    public static Tensor ApplyPenalties(Tensor logits, SamplingRow row)
    {
        var p = row.Params;
        if (p.RepetitionPenalty != 1f && (row.PromptTokenIds.Count + row.OutputTokenIds.Count) > 0)
        {
            using var seen = tensor(row.PromptTokenIds.Concat(row.OutputTokenIds).Distinct().Select(t => (long)t).ToArray(), device: logits.device);
            using var values = logits.index_select(0, seen);
            using var penalised = where(values.GreaterThan(0), values.DividedBy(p.RepetitionPenalty), values.Times(p.RepetitionPenalty));
            logits = logits.index_copy(0, seen, penalised);
        }
        if ((p.PresencePenalty != 0f || p.FrequencyPenalty != 0f) && row.OutputTokenIds.Count > 0)
        {
            var counts = row.OutputTokenIds.GroupBy(t => t).ToArray();
            using var ids = tensor(counts.Select(g => (long)g.Key).ToArray(), device: logits.device);
            using var penalty = tensor(counts.Select(g => p.FrequencyPenalty * g.Count() + p.PresencePenalty).ToArray(), device: logits.device);
            logits = logits.index_add(0, ids, penalty, -1.0);
        }
        return logits;
    }

    /// <summary>Temperature-scaled logits with every token outside top-k / top-p / min-p set to -inf.</summary>
    public static Tensor Truncate(Tensor logits, SamplingParams p)
    {
        var scaled = logits.DividedBy(p.Temperature);
        if (p.TopK is { } k && k < scaled.shape[0])
        {
            using var kth = scaled.topk(k).values[k - 1];
            scaled = scaled.Filled(scaled < kth, float.NegativeInfinity);
        }
        if (p.TopP < 1f)
        {
            var (sorted, order) = scaled.sort(descending: true);
            using var sortedProbs = sorted.softmax(0);
            using var cumulative = sortedProbs.cumsum(0);
            // Drop a token once the mass before it already reaches top_p; the most likely token always stays.
            using var dropSorted = (cumulative - sortedProbs).AtLeast(p.TopP);
            using var drop = zeros_like(dropSorted).scatter(0, order, dropSorted);
            scaled = scaled.Filled(drop, float.NegativeInfinity);
            sorted.Dispose(); order.Dispose();
        }
        if (p.MinP > 0f)
        {
            using var probs = scaled.softmax(0);
            scaled = scaled.Filled(probs < probs.max().Times(p.MinP), float.NegativeInfinity);
        }
        return scaled;
    }
}
