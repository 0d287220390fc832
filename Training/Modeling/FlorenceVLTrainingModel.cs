using FlorenceVL.Engine.FeatureStore;
using FlorenceVL.Engine.Modeling;
using FlorenceVL.Engine.Modeling.Decoder;
using FlorenceVL.Engine.Modeling.KvCache;
using FlorenceVL.Training.Data;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlorenceVL.Training.Modeling;

/// <summary>
/// Trains the Engine's own <see cref="FlorenceVLModel"/> (same modules, same names, so checkpoints load unchanged).
/// The decoder runs through the same <see cref="CausalLM"/> entry points and paged-attention code path serving uses
/// (each example a fresh prefill), with autograd on.
/// <para>
/// When the vision tower is frozen its DBFusion features never change: <see cref="FrozenTowerFeatures"/> serves them from
/// memory or the shared feature store and computes each missing image once.
/// </para>
/// </summary>
public sealed class FlorenceVLTrainingModel : ITrainableModel
{
    public FlorenceVLTrainingModel(FlorenceVLModel model, IFeatureStore? featureStore = null)
    {
        Model = model;
        FrozenFeatures = new FrozenTowerFeatures(model, featureStore);
        NamedParameters = model.named_parameters().Select(p => (p.name, p.parameter)).ToList();
    }

    public FlorenceVLModel Model { get; }

    /// <summary>Where a frozen tower's features come from (memory, the shared store, or one computation per image).</summary>
    public FrozenTowerFeatures FrozenFeatures { get; }

    public IReadOnlyList<(string Name, Parameter Parameter)> NamedParameters { get; }

    public IReadOnlyDictionary<string, Tensor> StateDict() => Model.state_dict();

    private bool TowerTrains => Model.VisionTower.parameters().Any(p => p.requires_grad);

    public Tensor Loss(TrainingBatch batch)
    {
        using var scope = NewDisposeScope();
        using var packed = PackedSequences.Build(batch.Examples, Model.Placement.Device);
        var hidden = Hidden(batch, packed);                                              // [N, hidden]
        var (rows, targets) = LossRows(batch.Examples, packed.Starts);
        var logits = Model.LanguageModel.ComputeLogits(hidden.index_select(0, rows));                      // [M, vocab]
        return nn.functional.cross_entropy(logits.to(ScalarType.Float32), targets).MoveToOuterDisposeScope();
    }

    /// <summary>Logits at every position of every example, [N, vocab] in the flat layout (no autograd).</summary>
    public Tensor Logits(TrainingBatch batch)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var packed = PackedSequences.Build(batch.Examples, Model.Placement.Device);
        return Model.LanguageModel.ComputeLogits(Hidden(batch, packed)).MoveToOuterDisposeScope();
    }

    private Tensor Hidden(TrainingBatch batch, PackedSequences packed)
    {
        var device = Model.Placement.Device;
        var ids = tensor(batch.Examples.SelectMany(e => e.Ids.Select(id => (long)id)).ToArray(), device: device);
        var embeds = Model.LanguageModel.EmbedTokens(ids);                                          // [N, hidden]
        if (batch.PixelValues is { } pixels)
            embeds = SpliceImages(embeds, batch.Examples, packed.Starts, VisualEmbeddings(batch, pixels));
        using var cache = new PagedKvCache(Model.Config.Text, Model.Placement, packed.NumBlocks, PackedSequences.BlockSize);
        return Model.LanguageModel.Forward(embeds, packed.Metadata, cache);
    }

    /// <summary>[numImages, N, hidden]: the projector always runs with autograd; the tower only when it trains.</summary>
    private Tensor VisualEmbeddings(TrainingBatch batch, Tensor pixels) =>
        TowerTrains ? Model.EncodeImages(pixels) : Model.Projector.forward(FrozenFeatures.Get(batch.ImageHashes, pixels));

    /// <summary>Each example's images, in order, take the next block of <paramref name="visual"/> [numImages, N, hidden].</summary>
    private static Tensor SpliceImages(Tensor embeds, IReadOnlyList<TrainingExample> examples, IReadOnlyList<int> starts, Tensor visual)
    {
        var spans = new List<(int Offset, Tensor Embeddings)>();
        for (var i = 0; i < examples.Count; i++)
            foreach (var span in examples[i].Images)
            {
                if (spans.Count == visual.shape[0] || span.Length != visual.shape[1])
                    throw new ImageSpliceException($"image span of {span.Length} tokens in example {i} has no image embeddings of that length " +
                                                   $"(the batch gave {visual.shape[0]} image(s) of {visual.shape[1]} rows).");
                spans.Add((starts[i] + span.Offset, visual[spans.Count]));
            }
        if (spans.Count != visual.shape[0])
            throw new ImageSpliceException($"the batch has {spans.Count} image spans but the images gave {visual.shape[0]} embeddings.");
        return FlorenceVLModel.SpliceImages(embeds, spans);
    }

    /// <summary>Row t predicts token t + 1: the rows whose next token is a loss token, and those next tokens.</summary>
    private (Tensor Rows, Tensor Targets) LossRows(IReadOnlyList<TrainingExample> examples, IReadOnlyList<int> starts)
    {
        var rows = new List<long>();
        var targets = new List<long>();
        for (var i = 0; i < examples.Count; i++)
            for (var t = 0; t + 1 < examples[i].Length; t++)
            {
                if (!examples[i].IsLossToken[t + 1]) continue;
                rows.Add(starts[i] + t);
                targets.Add(examples[i].Ids[t + 1]);
            }
        var device = Model.Placement.Device;
        return (tensor(rows.ToArray(), device: device), tensor(targets.ToArray(), device: device));
    }

    public void Dispose()
    {
        FrozenFeatures.Dispose();
        Model.Dispose();
    }
}
