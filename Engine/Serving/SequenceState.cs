using FlorenceVL.Engine.FeatureStore;
using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Inference.Sampling;
using FlorenceVL.Engine.Processing.Images;

namespace FlorenceVL.Engine.Serving;

/// <summary>The engine thread's bookkeeping for one live sequence (one choice of one request).</summary>
internal sealed record SequenceState(
    Sequence Sequence,
    Generation Generation,
    ChoiceStream Choice,
    SamplingRow Row,
    IReadOnlyList<PreprocessedImage> Pixels,
    IReadOnlyDictionary<string, FeatureValue> StoredFeatures);
