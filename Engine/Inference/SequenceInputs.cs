using FlorenceVL.Engine.FeatureStore;
using FlorenceVL.Engine.Processing.Images;

namespace FlorenceVL.Engine.Inference;

/// <summary>
/// What the model runner needs for a sequence beyond its tokens. The scheduler carries it unread into the batch that
/// first schedules the sequence (<see cref="NewSequence"/>).
/// </summary>
/// <param name="Pixels">Preprocessed images, in the order of <see cref="Sequence.Images"/> (an <see cref="EncoderInput"/>'s ImageIndex).</param>
/// <param name="StoredFeatures">DBFusion features read from the feature store when the request started, by content hash.</param>
/// <param name="RandomSeed">Seeds the sequence's own random stream, so its draws never depend on the rest of the batch.</param>
public sealed record SequenceInputs(
    IReadOnlyList<PreprocessedImage> Pixels,
    IReadOnlyDictionary<string, FeatureValue> StoredFeatures,
    int RandomSeed)
{
    public static SequenceInputs None { get; } = new([], new Dictionary<string, FeatureValue>(), 0);

    /// <summary>A per-sequence constraint on what may be sampled (issue 17's grammar matcher); null samples freely.</summary>
    public ISequenceConstraint? Constraint { get; init; }
}
