using FlorenceVL.Engine.Runtime;
using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Modeling.Projector;
using FlorenceVL.Engine.Modeling.Vision;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.ImageEncoder;

/// <summary>
/// The Florence-2 vision tower as Florence-VL runs it: DaViT, the image projection (2D positions, cosine frame
/// embedding, global token, projection, LayerNorm) giving the image features V, and the BART encoder run on
/// [V, task prompt] once per prompt. <see cref="FusedFeatures"/> is what the projector consumes.
/// </summary>
public sealed class Florence2VisionTower : nn.Module
{
    [ComponentName(Name = "davit")] private readonly DaViT _davit;
    [ComponentName(Name = "image_projection")] private readonly Parameter _imageProjection;
    [ComponentName(Name = "image_proj_norm")] private readonly LayerNorm _imageProjNorm;
    [ComponentName(Name = "image_pos_embed")] private readonly ImagePositionEmbedding2D _imagePosEmbed;
    [ComponentName(Name = "visual_temporal_embed")] private readonly TemporalEmbedding _visualTemporalEmbed;
    [ComponentName(Name = "encoder")] private readonly BartEncoder _encoder;
    [ComponentName(Name = "shared")] private readonly Embedding _shared;
    private readonly TaskPrompts _prompts;
    private readonly ModelPlacement _placement;

    public Florence2VisionTower(VisionTowerConfig config, ModelPlacement placement) : base(nameof(Florence2VisionTower))
    {
        var visionDim = config.DaViT.OutputDim;
        _davit = new DaViT(config.DaViT, placement);
        _imageProjection = new Parameter(empty([visionDim, config.ProjectionDim], placement.DType, placement.Device));
        nn.init.trunc_normal_(_imageProjection, std: 0.02);
        _imageProjNorm = VisionLayerNorm.Create(config.ProjectionDim, placement);
        _imagePosEmbed = new ImagePositionEmbedding2D(visionDim, config.MaxPositionEmbeddings2D, placement);
        _visualTemporalEmbed = new TemporalEmbedding(visionDim, config.MaxTemporalEmbeddings, placement);
        _encoder = new BartEncoder(config.Encoder, placement);
        _shared = nn.Embedding(config.Encoder.VocabSize, config.Encoder.DModel, device: placement.Device, dtype: placement.DType);
        _prompts = config.Prompts;
        _placement = placement;
        RegisterComponents();
    }

    public int NumPrompts => _prompts.Count;

    /// <summary>The DaViT output, [B, C_last, h, w] (exposed for parity checks).</summary>
    public Tensor DaViTFeatures(Tensor pixelValues) => _davit.forward(ToPlacement(pixelValues));

    /// <summary>Image features V: [B, 1 + h*w, projection_dim], the global token first.</summary>
    public Tensor ImageFeatures(Tensor pixelValues) // pixelValues: [B, 3, H, W]
    {
        using var scope = NewDisposeScope();
        var featureMap = _davit.forward(ToPlacement(pixelValues));                           // [B, C, h, w]
        var grid = GridSize.Of(featureMap);
        var positioned = featureMap.permute(0, 2, 3, 1).Plus(_imagePosEmbed.forward(grid));      // [B, h, w, C]
        var tokens = positioned.flatten(1, 2).Plus(_visualTemporalEmbed.forward(1));              // [B, h*w, C], frame 0
        var withGlobal = cat([tokens.mean([1], keepdim: true), tokens], 1);                   // [B, 1 + h*w, C]
        var output = _imageProjNorm.forward(withGlobal.matmul(_imageProjection));             // [B, 1 + h*w, d]
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>Encoder last hidden state for one task prompt: [B, 1 + h*w + promptLength, d], image tokens first.</summary>
    public Tensor EncodeTask(Tensor imageFeatures, int taskIndex) // imageFeatures: [B, 1 + h*w, d]
    {
        if (taskIndex < 0 || taskIndex >= _prompts.Count)
            throw new ArgumentOutOfRangeException(nameof(taskIndex), $"Task {taskIndex} does not exist: the tower has {_prompts.Count} prompts ({string.Join(", ", _prompts.Names)}).");
        using var scope = NewDisposeScope();
        var promptEmbeds = EmbedPrompts().narrow(0, taskIndex, 1).expand(imageFeatures.shape[0], -1, -1); // [B, P, d]
        return _encoder.forward(cat([imageFeatures, promptEmbeds], 1)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// DBFusion of V and every prompt's encoder output: [B, h*w, (1 + prompts) * d]. The prompts run as ONE encoder
    /// call, stacked prompt-major on the batch dimension.
    /// </summary>
    public Tensor FusedFeatures(Tensor pixelValues) // pixelValues: [B, 3, H, W]
    {
        using var scope = NewDisposeScope();
        var imageFeatures = ImageFeatures(pixelValues);                                                // [B, 1 + h*w, d]
        var batch = imageFeatures.shape[0];
        var promptEmbeds = EmbedPrompts().repeat_interleave(batch, 0);                                  // [prompts*B, P, d]
        var encoderInput = cat([imageFeatures.repeat(_prompts.Count, 1, 1), promptEmbeds], 1);         // [prompts*B, L, d]
        var perPrompt = _encoder.forward(encoderInput).chunk(_prompts.Count, 0);                        // prompts x [B, L, d]
        return DBFusion.Fuse(imageFeatures, perPrompt).MoveToOuterDisposeScope();
    }

    private Tensor EmbedPrompts() // [prompts, P, d]
    {
        var ids = tensor(_prompts.Ids.SelectMany(row => row.Select(id => (long)id)).ToArray(), [_prompts.Count, _prompts.Length],
            ScalarType.Int64, _placement.Device);
        return _shared.forward(ids);
    }

    private Tensor ToPlacement(Tensor pixelValues) => pixelValues.to(_placement.DType, _placement.Device);
}
