using static TorchSharp.torch;

namespace FlorenceVL.Engine.Inference;

/// <summary>
/// Per-sequence state that restricts sampling (a grammar matcher for structured outputs). It lives in the runner's
/// <see cref="RunnerSequence"/>, survives preemption with it, and is called on the engine thread only.
/// </summary>
public interface ISequenceConstraint
{
    /// <summary>Sets the logits of every id the constraint forbids next to -inf, in place. <paramref name="logits"/>: [vocab].</summary>
    void MaskLogits(Tensor logits);

    /// <summary>Advances past the token sampled for the sequence.</summary>
    void Accept(int tokenId);
}
