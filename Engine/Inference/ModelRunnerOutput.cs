using FlorenceVL.Engine.Inference.Sampling;

namespace FlorenceVL.Engine.Inference;

/// <summary>What the runner produced in a step (vLLM's ModelRunnerOutput): a token for each sequence whose chunk
/// reached its end, and how many images the vision tower ran on.</summary>
public sealed record ModelRunnerOutput(IReadOnlyDictionary<long, SampledToken> Sampled, int NumImagesEncoded)
{
    public static ModelRunnerOutput Empty { get; } = new(new Dictionary<long, SampledToken>(), 0);
}
