using FlorenceVL.Engine.Configuration;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.ImageEncoder;

/// <summary>
/// The Florence-2 (BART) encoder over ready-made input embeddings (image tokens then prompt tokens): learned positions,
/// <c>layernorm_embedding</c>, post-LN layers, no final norm and no embedding scaling.
/// </summary>
internal sealed class BartEncoder : nn.Module<Tensor, Tensor>
{
    [ComponentName(Name = "embed_positions")] private readonly LearnedPositionalEmbedding _embedPositions;
    [ComponentName(Name = "layernorm_embedding")] private readonly LayerNorm _layernormEmbedding;
    [ComponentName(Name = "layers")] private readonly ModuleList<BartEncoderLayer> _layers;

    public BartEncoder(Florence2EncoderConfig config, ModelPlacement placement) : base(nameof(BartEncoder))
    {
        _embedPositions = new LearnedPositionalEmbedding(config.MaxPositionEmbeddings, config.DModel, placement);
        _layernormEmbedding = nn.LayerNorm(config.DModel, config.LayerNormEps, device: placement.Device, dtype: placement.DType);
        _layers = new ModuleList<BartEncoderLayer>(
            Enumerable.Range(0, config.EncoderLayers).Select(_ => new BartEncoderLayer(config, placement)).ToArray());
        RegisterComponents();
    }

    public override Tensor forward(Tensor inputsEmbeds) // inputsEmbeds: [N, L, d]
    {
        using var scope = NewDisposeScope();
        var hiddenStates = _layernormEmbedding.forward(inputsEmbeds + _embedPositions.forward(inputsEmbeds.shape[1]));
        foreach (var layer in _layers)
            hiddenStates = layer.forward(hiddenStates);
        return hiddenStates.MoveToOuterDisposeScope(); // [N, L, d]: encoder last hidden state
    }
}
