using FlorenceVL.Engine.FeatureStore;
using FlorenceVL.Engine.Inference.Sampling;
using FlorenceVL.Engine.Processing.Images;

namespace FlorenceVL.Engine.Inference;

/// <summary>
/// The runner's state for one sequence (vLLM's CachedRequestState): what sampling and the vision tower need, from its
/// first batch until a batch lists it as finished. Preemption does not touch it.
/// </summary>
internal sealed class RunnerSequence
{
    private readonly SamplingRow _row;
    private readonly List<int> _outputTokenIds = [];
    private readonly bool _needsHistory;

    public RunnerSequence(NewSequence sequence)
    {
        Id = sequence.SequenceId;
        Pixels = sequence.Inputs.Pixels;
        StoredFeatures = sequence.Inputs.StoredFeatures;
        Constraint = sequence.Inputs.Constraint;
        var p = sequence.SamplingParams;
        _needsHistory = p.PresencePenalty != 0 || p.FrequencyPenalty != 0 || p.RepetitionPenalty != 1;
        _row = new SamplingRow(p, sequence.PromptTokenIds, [], new Random(sequence.Inputs.RandomSeed));
    }

    public long Id { get; }

    public IReadOnlyList<PreprocessedImage> Pixels { get; }

    public IReadOnlyDictionary<string, FeatureValue> StoredFeatures { get; }

    /// <summary>Restricts what this sequence may sample next (structured outputs); null samples freely.</summary>
    public ISequenceConstraint? Constraint { get; }

    public IReadOnlyList<int> OutputTokenIds => _outputTokenIds;

    /// <summary>How to sample this sequence's next token; the output history is copied only when a penalty reads it.</summary>
    public SamplingRow Row => _needsHistory ? _row with { OutputTokenIds = _outputTokenIds.ToArray() } : _row;

    public void Append(int tokenId)
    {
        _outputTokenIds.Add(tokenId);
        Constraint?.Accept(tokenId);
    }
}
