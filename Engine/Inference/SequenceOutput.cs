namespace FlorenceVL.Engine.Inference;

/// <summary>What one step produced for a sequence: its new token, and why it ended if it did.</summary>
public sealed record SequenceOutput(long SequenceId, int TokenId, FinishReason? FinishReason)
{
    public bool IsFinished => FinishReason is not null;
}
