using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Modeling.Decoder;
using FlorenceVL.Engine.Modeling.ImageEncoder;
using FlorenceVL.Engine.Modeling.KvCache;
using FlorenceVL.Engine.Modeling.Projector;
using TorchSharp;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling;

/// <summary>
/// The whole Florence-VL model: Florence-2 vision tower -> DBFusion -> projector -> visual embeddings spliced into the
/// decoder's input embeddings at the image positions. Module names follow <see cref="Weights.WeightLayouts"/>.
/// </summary>
public sealed class FlorenceVLModel : nn.Module
{
    [ComponentName(Name = "language_model")] private readonly CausalLM _languageModel;
    [ComponentName(Name = "mm_projector")] private readonly FusionProjector _projector;
    [ComponentName(Name = "vision_tower")] private readonly Florence2VisionTower _visionTower;

    public FlorenceVLModel(FlorenceVLConfig config, ModelPlacement placement) : base(nameof(FlorenceVLModel))
    {
        Config = config;
        Placement = placement;
        _languageModel = new CausalLM(config.Text, placement);
        _projector = new FusionProjector(config.Projector, placement);
        _visionTower = new Florence2VisionTower(config.Vision, placement);
        RegisterComponents();
    }

    public FlorenceVLConfig Config { get; }
    public ModelPlacement Placement { get; }
    public CausalLM LanguageModel => _languageModel;
    public Florence2VisionTower VisionTower => _visionTower;
    public FusionProjector Projector => _projector;

    /// <summary>pixelValues [B, 3, S, S] -> DBFusion features [B, N, (1 + prompts) * d], before the projector.</summary>
    public Tensor FusedFeatures(Tensor pixelValues) => _visionTower.FusedFeatures(pixelValues);

    /// <summary>pixelValues [B, 3, S, S] -> visual embeddings [B, N, hidden], the rows that replace image placeholders.</summary>
    public Tensor EncodeImages(Tensor pixelValues)
    {
        using var scope = NewDisposeScope();
        var fused = _visionTower.FusedFeatures(pixelValues);            // [B, N, fusedDim]
        return _projector.forward(fused).MoveToOuterDisposeScope();     // [B, N, hidden]
    }

    /// <summary>fused [B, N, fusedDim] (any dtype or device, e.g. read from a feature store) -> visual embeddings [B, N, hidden].</summary>
    public Tensor ProjectFeatures(Tensor fused) => _projector.forward(fused.to(Placement.DType, Placement.Device));

    /// <summary>Token embeddings of <paramref name="ids"/> [T] with each image's visual embeddings written over its span (see <see cref="SpliceImages"/>).</summary>
    public Tensor EmbedWithImages(Tensor ids, IReadOnlyList<(int Offset, Tensor Embeddings)> images)
    {
        using var scope = NewDisposeScope();
        var embeds = _languageModel.EmbedTokens(ids.to(ScalarType.Int64, Placement.Device));    // [T, hidden]
        return SpliceImages(embeds, images).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The one splice of vision into text, for serving and training alike: <paramref name="embeds"/> [T, hidden] with
    /// each image's rows [rows, hidden] written over [Offset, Offset + rows). Every span must fit the sequence (the
    /// placeholder check HF does before its masked_scatter), otherwise the image and the text would silently misalign.
    /// Out of place, so autograd flows into both the text and the visual rows.
    /// </summary>
    public static Tensor SpliceImages(Tensor embeds, IReadOnlyList<(int Offset, Tensor Embeddings)> images)
    {
        var length = (int)embeds.shape[0];
        foreach (var (offset, imageEmbeds) in images)
        {
            var rows = (int)imageEmbeds.shape[0];
            if (offset < 0 || offset + rows > length)
                throw new ImageSpliceException($"image span [{offset}, {offset + rows}) does not fit a sequence of {length} tokens.");
            using var positions = arange(offset, offset + rows, ScalarType.Int64, embeds.device);
            embeds = embeds.index_copy(0, positions, imageEmbeds.to(embeds.dtype));
        }
        return embeds;
    }

    public Tensor Forward(Tensor inputEmbeds, AttentionMetadata metadata, PagedKvCache cache) =>
        _languageModel.Forward(inputEmbeds, metadata, cache);

    public Tensor ComputeLogits(Tensor hidden) => _languageModel.ComputeLogits(hidden);
}
