using FlorenceVL.Engine.Inference.Sampling;

namespace FlorenceVL.Engine.Inference;

/// <summary>What one step produced for a sequence: its new token (with log-probabilities when asked for), and why it
/// ended if it did.</summary>
public sealed record SequenceOutput(long SequenceId, SampledToken Token, FinishReason? FinishReason)
{
    public int TokenId => Token.TokenId;

    public bool IsFinished => FinishReason is not null;
}
