namespace FlorenceVL.Engine.Inference.Sampling;

/// <summary>
/// One row of a step's logits and what the sampler needs to know about its sequence. <paramref name="Random"/> belongs
/// to the sequence (seeded from its request seed), so its draws never depend on what else is in the batch.
/// </summary>
public sealed record SamplingRow(SamplingParams Params, IReadOnlyList<int> PromptTokenIds, IReadOnlyList<int> OutputTokenIds, Random Random);

/// <summary>A sampled token with its log-probability and the most likely alternatives, when asked for.</summary>
public sealed record SampledToken(int TokenId, float? Logprob, IReadOnlyList<TokenLogprob>? TopLogprobs);

public readonly record struct TokenLogprob(int TokenId, float Logprob);
