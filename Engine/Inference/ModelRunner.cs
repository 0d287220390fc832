using FlorenceVL.Engine.Constrained;
using FlorenceVL.Engine.Inference.Sampling;
using FlorenceVL.Engine.Modeling;
using FlorenceVL.Engine.Modeling.KvCache;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Inference;

/// <summary>
/// Executes one <see cref="ScheduledBatch"/>: takes in the batch's new sequences and drops its finished ones (the one
/// registry of runner-side sequence state), encodes the step's new images in one batched vision pass (results go to
/// the encoder cache), embeds every scheduled token with visual rows spliced in, runs the decoder over the flat batch
/// with the paged cache, and samples a token for each sequence whose chunk reached its end. Owns the KV cache.
/// </summary>
/// <param name="unsampleable">Optional bool mask [vocab] of ids the tokenizer cannot decode (embedding padding); never
/// sampled. Read once here: the caller may dispose it afterwards.</param>
/// <param name="featureSink">Where computed DBFusion features go when a feature store is attached; null without one.</param>
public sealed class ModelRunner(FlorenceVLModel model, PagedKvCache cache, EncoderCache<Tensor> encoderCache,
    Tensor? unsampleable = null, IFeatureSink? featureSink = null) : IDisposable
{
    private readonly UnsampleableIds? _unsampleable = unsampleable is null ? null : new UnsampleableIds(unsampleable);
    private readonly Dictionary<long, RunnerSequence> _sequences = [];

    public FlorenceVLModel Model => model;

    /// <summary>Masks filled for constrained sequences, their cost, and grammar faults (see <see cref="ConstraintStats"/>).</summary>
    public ConstraintStats ConstraintStats { get; } = new();
    public PagedKvCache Cache => cache;

    /// <summary>Sequences the runner holds state for (new ones join when first scheduled, leave when finished).</summary>
    public int NumSequences => _sequences.Count;

    public ModelRunnerOutput Run(ScheduledBatch batch)
    {
        UpdateSequences(batch);
        if (batch.IsEmpty) return ModelRunnerOutput.Empty;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var numImagesEncoded = featureSink is null ? EncodeImages(batch.EncoderInputs) : EncodeImagesWithStore(batch.EncoderInputs, featureSink);
        var embeds = cat(batch.Sequences.Select(EmbedChunk).ToArray(), 0);                   // [numTokens, hidden]
        using var metadata = BuildMetadata(batch.Sequences);
        var hidden = model.Forward(embeds, metadata, cache);                                   // [numTokens, hidden]
        var sampling = batch.Sequences.Select((s, i) => (s, i)).Where(p => p.s.NeedsLogits).ToList();
        if (sampling.Count == 0) return new ModelRunnerOutput(new Dictionary<long, SampledToken>(), numImagesEncoded);
        var lastRows = tensor(sampling.Select(p => (long)(QueryStart(batch.Sequences, p.i) + p.s.NumScheduledTokens - 1)).ToArray(), device: hidden.device);
        var logits = model.ComputeLogits(hidden.index_select(0, lastRows));                    // [numSampled, vocab]
        var sequences = sampling.Select(p => SequenceFor(p.s.SequenceId)).ToList();
        _unsampleable?.Exclude(logits);                                                         // logits are this step's own tensor
        ConstraintMasks.Apply(logits, sequences.Select(s => s.Constraint).ToList(), ConstraintStats);
        var sampled = Sampler.Sample(logits, sequences.Select(s => s.Row).ToList());
        var tokens = new Dictionary<long, SampledToken>(sequences.Count);
        for (var k = 0; k < sequences.Count; k++)
        {
            sequences[k].Append(sampled[k].TokenId);
            tokens[sequences[k].Id] = sampled[k];
        }
        return new ModelRunnerOutput(tokens, numImagesEncoded);
    }

    public void Dispose()
    {
        cache.Dispose();
        _unsampleable?.Dispose();
    }

    private void UpdateSequences(ScheduledBatch batch)
    {
        foreach (var id in batch.FinishedSequenceIds) _sequences.Remove(id);
        foreach (var sequence in batch.NewSequences)
            if (!_sequences.TryAdd(sequence.SequenceId, new RunnerSequence(sequence)))
                throw new InvalidOperationException($"sequence {sequence.SequenceId} is new in this batch but the runner already holds it.");
    }

    private RunnerSequence SequenceFor(long sequenceId) =>
        _sequences.TryGetValue(sequenceId, out var sequence) ? sequence
            : throw new InvalidOperationException($"sequence {sequenceId} is scheduled but never arrived as a new sequence.");

    private Tensor PixelsFor(EncoderInput input) => SequenceFor(input.SequenceId).Pixels[input.ImageIndex].ToTensor();

    private int EncodeImages(IReadOnlyList<EncoderInput> inputs)
    {
        if (inputs.Count == 0) return 0;
        var stored = inputs.Select(StoredFeaturesFor).ToArray();                               // images by id only
        if (stored.Any(f => f is not null)) return EncodeImagesWithStoredFeatures(inputs, stored);
        var visual = BySize(inputs.Select(PixelsFor).ToArray(), model.EncodeImages);           // [N_i, hidden] each
        for (var i = 0; i < inputs.Count; i++)
            encoderCache.Store(inputs[i].ContentHash, visual[i].clone().MoveToOuterDisposeScope().DetachFromDisposeScope());
        return inputs.Count;
    }

    /// <summary>
    /// Runs the vision tower (batched) only on images the store had no features for, then the projector on all of them,
    /// from features rounded to the stored precision (see <see cref="IFeatureSink"/>).
    /// </summary>
    private int EncodeImagesWithStore(IReadOnlyList<EncoderInput> inputs, IFeatureSink sink)
    {
        if (inputs.Count == 0) return 0;
        var fused = inputs.Select(StoredFeaturesFor).ToArray();                                // [N, fusedDim] or null
        var missing = Enumerable.Range(0, inputs.Count).Where(i => fused[i] is null).ToArray();
        if (missing.Length > 0)
        {
            var computed = BySize(missing.Select(i => PixelsFor(inputs[i])).ToArray(), model.FusedFeatures); // [N_i, fusedDim] each
            for (var k = 0; k < missing.Length; k++)
            {
                fused[missing[k]] = computed[k];
                sink.Save(inputs[missing[k]].ContentHash, computed[k]);
            }
        }
        var rounded = fused.Select(f => f!.to(model.Placement.Device).to(sink.StoredDType)).ToArray();
        var visual = BySize(rounded, model.ProjectFeatures);                                   // [N_i, hidden] each
        for (var i = 0; i < inputs.Count; i++)
            encoderCache.Store(inputs[i].ContentHash, visual[i].clone().MoveToOuterDisposeScope().DetachFromDisposeScope());
        return missing.Length;
    }

    /// <summary>
    /// Without a feature sink, some images came by id (their fused features stored at the model's precision when they
    /// were uploaded): the tower runs on the others only, and the projector takes the features unrounded, as
    /// <see cref="FlorenceVLModel.EncodeImages"/> does.
    /// </summary>
    private int EncodeImagesWithStoredFeatures(IReadOnlyList<EncoderInput> inputs, Tensor?[] fused)
    {
        var missing = Enumerable.Range(0, inputs.Count).Where(i => fused[i] is null).ToArray();
        if (missing.Length > 0)
        {
            var computed = BySize(missing.Select(i => PixelsFor(inputs[i])).ToArray(), model.FusedFeatures); // [N_i, fusedDim] each
            for (var k = 0; k < missing.Length; k++) fused[missing[k]] = computed[k];
        }
        var visual = BySize(fused.Select(f => f!.to(model.Placement.DType, model.Placement.Device)).ToArray(), model.ProjectFeatures);
        for (var i = 0; i < inputs.Count; i++)
            encoderCache.Store(inputs[i].ContentHash, visual[i].clone().MoveToOuterDisposeScope().DetachFromDisposeScope());
        return missing.Length;
    }

    /// <summary>
    /// Runs a batched step over items of possibly different shapes (images at different <c>detail</c>, so different
    /// pixel sizes and visual-token counts): one batched call per distinct shape, results back in the items' order.
    /// </summary>
    private static Tensor[] BySize(IReadOnlyList<Tensor> items, Func<Tensor, Tensor> batched)
    {
        var results = new Tensor[items.Count];
        foreach (var group in Enumerable.Range(0, items.Count).GroupBy(i => string.Join('x', items[i].shape)))
        {
            var indices = group.ToArray();
            var output = batched(stack(indices.Select(i => items[i]).ToArray()));
            for (var k = 0; k < indices.Length; k++) results[indices[k]] = output[k];
        }
        return results;
    }

    /// <summary>Features read from the store when the request started, as a new CPU tensor; null to compute.</summary>
    private Tensor? StoredFeaturesFor(EncoderInput input) =>
        SequenceFor(input.SequenceId).StoredFeatures.GetValueOrDefault(input.ContentHash)?.ToTensor();

    /// <summary>Token embeddings of the chunk, with the rows that fall inside an image replaced by its visual rows.</summary>
    private Tensor EmbedChunk(ScheduledSequence chunk)
    {
        var ids = tensor(chunk.TokenIds.Select(t => (long)t).ToArray(), device: model.Placement.Device);
        var spans = new List<(int Offset, Tensor Embeddings)>();
        foreach (var image in chunk.Images)
        {
            var from = Math.Max(image.Offset, chunk.StartPosition);
            var to = Math.Min(image.End, chunk.EndPosition);
            if (from >= to) continue;
            if (!encoderCache.TryGetValue(image.ContentHash, out var visual))
                throw new InvalidOperationException($"image {image.ContentHash} is scheduled but its embeddings are not in the encoder cache.");
            spans.Add((from - chunk.StartPosition, visual.narrow(0, from - image.Offset, to - from)));
        }
        return model.EmbedWithImages(ids, spans);
    }

    private AttentionMetadata BuildMetadata(IReadOnlyList<ScheduledSequence> chunks)
    {
        var positions = new List<long>();
        var slots = new List<long>();
        var slices = new List<SequenceSlice>();
        var blockSize = cache.BlockSize;
        foreach (var chunk in chunks)
        {
            slices.Add(new SequenceSlice(positions.Count, chunk.NumScheduledTokens, chunk.EndPosition,
                tensor(chunk.BlockTable.Select(b => (long)b).ToArray(), device: model.Placement.Device), chunk.NumPromptTokens));
            for (var p = chunk.StartPosition; p < chunk.EndPosition; p++)
            {
                positions.Add(p);
                slots.Add((long)chunk.BlockTable[p / blockSize] * blockSize + p % blockSize);
            }
        }
        var device = model.Placement.Device;
        return new AttentionMetadata(tensor(positions.ToArray(), device: device), tensor(slots.ToArray(), device: device), slices);
    }

    private static int QueryStart(IReadOnlyList<ScheduledSequence> chunks, int index)
    {
        var start = 0;
        for (var i = 0; i < index; i++) start += chunks[i].NumScheduledTokens;
        return start;
    }
}
