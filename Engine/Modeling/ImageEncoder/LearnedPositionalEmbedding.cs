using FlorenceVL.Engine.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.ImageEncoder;

/// <summary>BART's learned absolute positions: row <c>i + 2</c> embeds position i (fairseq's offset, kept by the checkpoints).</summary>
internal sealed class LearnedPositionalEmbedding : nn.Module<long, Tensor>
{
    [ComponentName(Name = "weight")] private readonly Parameter _weight;
    private readonly long _maxPositions;

    public LearnedPositionalEmbedding(long maxPositions, long dim, ModelPlacement placement) : base(nameof(LearnedPositionalEmbedding))
    {
        _weight = new Parameter(empty([maxPositions + Florence2EncoderConfig.PositionOffset, dim], placement.DType, placement.Device));
        nn.init.normal_(_weight);
        _maxPositions = maxPositions;
        RegisterComponents();
    }

    public override Tensor forward(long sequenceLength)
    {
        if (sequenceLength > _maxPositions)
            throw new ArgumentOutOfRangeException(nameof(sequenceLength),
                $"The Florence-2 encoder input has {sequenceLength} tokens but max_position_embeddings is {_maxPositions}.");
        return _weight.narrow(0, Florence2EncoderConfig.PositionOffset, sequenceLength); // [L, d]
    }
}
