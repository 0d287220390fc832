using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Modeling.KvCache;
using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.Decoder;

/// <summary>The decoder stack without its output head (HF's <c>model</c>): token embeddings, layers, final norm.</summary>
internal sealed class DecoderModel : nn.Module
{
    [ComponentName(Name = "embed_tokens")] private readonly Embedding _embedTokens;
    [ComponentName(Name = "layers")] private readonly ModuleList<DecoderLayer> _layers;
    [ComponentName(Name = "norm")] private readonly RmsNorm _norm;
    [ComponentName(Name = "rotary_emb")] private readonly RotaryEmbedding _rotaryEmb;

    public DecoderModel(TextConfig config, ModelPlacement placement) : base(nameof(DecoderModel))
    {
        _embedTokens = nn.Embedding(config.VocabSize, config.HiddenSize, device: placement.Device, dtype: placement.DType);
        _layers = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(i => new DecoderLayer(config, i, placement)).ToArray());
        _norm = new RmsNorm(config.HiddenSize, config.RmsNormEps, placement);
        _rotaryEmb = new RotaryEmbedding(config);
        RegisterComponents();
    }

    internal RotaryEmbedding Rotary => _rotaryEmb;

    public Tensor EmbedTokens(Tensor ids) => _embedTokens.forward(ids);

    /// <param name="inputEmbeds">[numTokens, hidden], the flat batch described by <paramref name="metadata"/>.</param>
    /// <returns>Final-normed hidden states [numTokens, hidden].</returns>
    public Tensor Forward(Tensor inputEmbeds, AttentionMetadata metadata, PagedKvCache cache)
    {
        if (inputEmbeds.shape[0] != metadata.NumTokens)
            throw new ArgumentException($"{inputEmbeds.shape[0]} input rows but the metadata describes {metadata.NumTokens} tokens.");
        using var scope = NewDisposeScope();
        var plan = PagedAttentionPlan.Build(metadata, cache.BlockSize);
        var rope = _rotaryEmb.Angles(metadata, inputEmbeds.dtype, inputEmbeds.device);
        var hidden = inputEmbeds;
        foreach (var layer in _layers)
            hidden = layer.Forward(hidden, rope, plan, cache);
        return _norm.forward(hidden).MoveToOuterDisposeScope();
    }
}
