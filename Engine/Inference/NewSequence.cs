namespace FlorenceVL.Engine.Inference;

/// <summary>
/// A sequence the runner has not seen before (vLLM's NewRequestData). A preempted sequence that resumes is not new:
/// the runner kept its state (random stream, output history), so it continues exactly where it stopped.
/// </summary>
public sealed record NewSequence(long SequenceId, IReadOnlyList<int> PromptTokenIds, SamplingParams SamplingParams, SequenceInputs Inputs);
