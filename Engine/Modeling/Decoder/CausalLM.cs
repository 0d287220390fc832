using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Modeling.KvCache;
using TorchSharp;
using TorchSharp.Utils;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.Decoder;

/// <summary>
/// A Phi-3 or Llama causal language model (HF's <c>Phi3ForCausalLM</c> / <c>LlamaForCausalLM</c> state-dict names:
/// <c>model.*</c> and <c>lm_head</c>). One module set serves both: Llama's projections are packed into Phi-3's fused
/// ones at load. Inference only: the forward runs without autograd and writes into the paged cache.
/// </summary>
public sealed class CausalLM : nn.Module
{
    /// <summary>Block size of the throw-away cache behind <see cref="FullForwardLogits"/>.</summary>
    private const int ScratchBlockSize = 16;

    [ComponentName(Name = "model")] private readonly DecoderModel _model;
    [ComponentName(Name = "lm_head")] private readonly Linear _lmHead;

    public CausalLM(TextConfig config, ModelPlacement placement) : base(nameof(CausalLM))
    {
        config.Validate();
        Config = config;
        Placement = placement;
        _model = new DecoderModel(config, placement);
        _lmHead = nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false, placement.Device, placement.DType);
        RegisterComponents();
    }

    public TextConfig Config { get; }
    public ModelPlacement Placement { get; }

    /// <summary>For the loader: lm_head comes from the embeddings when the checkpoint ties them.</summary>
    public IReadOnlyDictionary<string, string> TiedParameters(string prefix = "") => Config.TieWordEmbeddings
        ? new Dictionary<string, string> { [prefix + "lm_head.weight"] = prefix + "model.embed_tokens.weight" }
        : new Dictionary<string, string>();

    /// <summary>[...] int64 ids -> [..., hidden] embeddings.</summary>
    public Tensor EmbedTokens(Tensor ids) => _model.EmbedTokens(ids);

    /// <summary>Runs one step of a flat token batch through the decoder, storing K/V in <paramref name="cache"/>.</summary>
    /// <returns>Final hidden states [numTokens, hidden]; take logits only for the rows you sample.</returns>
    /// <remarks>Autograd follows the caller: serving wraps steps in no_grad, training does not.</remarks>
    public Tensor Forward(Tensor inputEmbeds, AttentionMetadata metadata, PagedKvCache cache) => _model.Forward(inputEmbeds, metadata, cache);

    /// <summary>[rows, hidden] -> [rows, vocab], in the model dtype.</summary>
    public Tensor ComputeLogits(Tensor hidden) => ProjectionForward.Apply(_lmHead, hidden);

    /// <summary>Logits [n, vocab] for every position of one sequence of ids [n], through a temporary cache.</summary>
    public Tensor FullForwardLogits(Tensor ids)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var flat = ids.reshape(-1).to(ScalarType.Int64, Placement.Device);
        var length = (int)flat.shape[0];
        var numBlocks = (length + ScratchBlockSize - 1) / ScratchBlockSize;
        using var cache = new PagedKvCache(Config, Placement, numBlocks, ScratchBlockSize);
        var device = Placement.Device;
        using var metadata = new AttentionMetadata(
            arange(length, ScalarType.Int64, device),
            arange(length, ScalarType.Int64, device),
            [new SequenceSlice(0, length, length, arange(numBlocks, ScalarType.Int64, device))]);
        var hidden = Forward(EmbedTokens(flat), metadata, cache);
        return ComputeLogits(hidden).MoveToOuterDisposeScope();
    }
}
