using TorchSharp;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.ImageEncoder;

/// <summary>
/// Florence-2's cosine frame embedding: <c>[t, 2k] = sin(t * 10000^(-2k/D))</c>, <c>[t, 2k+1] = cos(...)</c>. Computed, not
/// stored: checkpoints that carry the buffer (<c>visual_temporal_embed.pos_idx_to_embed</c>) hold the same values.
/// A still image is frame 0, which adds 1 to every odd channel.
/// </summary>
internal sealed class TemporalEmbedding : nn.Module<long, Tensor>
{
    private readonly long _dim;
    private readonly long _maxFrames;
    private readonly ModelPlacement _placement;

    public TemporalEmbedding(long dim, long maxFrames, ModelPlacement placement) : base(nameof(TemporalEmbedding))
    {
        _dim = dim;
        _maxFrames = maxFrames;
        _placement = placement;
        RegisterComponents();
    }

    public override Tensor forward(long numFrames)
    {
        if (numFrames > _maxFrames)
            throw new ArgumentOutOfRangeException(nameof(numFrames), $"{numFrames} frames exceed max_temporal_embeddings {_maxFrames}.");
        using var scope = NewDisposeScope();
        var inverseFrequencies = exp(arange(0, _dim, 2, ScalarType.Float32, _placement.Device) * (-Math.Log(10000) / _dim)); // [D/2]
        var angles = arange(numFrames, ScalarType.Float32, _placement.Device).unsqueeze(1) * inverseFrequencies;           // [T, D/2]
        var interleaved = stack([sin(angles), cos(angles)], -1).reshape(numFrames, _dim);                                   // [T, D]
        return interleaved.to_type(_placement.DType).MoveToOuterDisposeScope();
    }
}
