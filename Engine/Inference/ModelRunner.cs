using FlorenceVL.Engine.Inference.Sampling;
using FlorenceVL.Engine.Modeling;
using FlorenceVL.Engine.Modeling.KvCache;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Inference;

/// <summary>
/// Executes one <see cref="ScheduledBatch"/>: encodes the step's new images in one batched vision pass (results go to
/// the encoder cache), embeds every scheduled token with visual rows spliced in, runs the decoder over the flat batch
/// with the paged cache, and samples a token for each sequence whose chunk reached its end.
/// </summary>
/// <param name="unsampleable">Optional bool mask [vocab] of ids the tokenizer cannot decode (embedding padding); never sampled.</param>
public sealed class ModelRunner(FlorenceVLModel model, PagedKvCache cache, EncoderCache<Tensor> encoderCache, Tensor? unsampleable = null)
{
    private readonly UnsampleableIds? _unsampleable = unsampleable is null ? null : new UnsampleableIds(unsampleable);

    public FlorenceVLModel Model => model;
    public PagedKvCache Cache => cache;

    /// <param name="pixelsFor">The preprocessed pixels [3, S, S] of image ImageIndex of a sequence.</param>
    /// <param name="rowFor">How to sample each sequence (parameters, history, its own Random).</param>
    /// <param name="storedFeatures">When a feature store is attached: DBFusion features read from it, and where to
    /// hand the ones computed here.</param>
    public StepResult Run(ScheduledBatch batch, Func<EncoderInput, Tensor> pixelsFor, Func<long, SamplingRow> rowFor,
        StoredFeatureHooks? storedFeatures = null)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var visionImages = storedFeatures is null
            ? EncodeImages(batch.EncoderInputs, pixelsFor)
            : EncodeImagesWithStore(batch.EncoderInputs, pixelsFor, storedFeatures);
        var embeds = cat(batch.Sequences.Select(EmbedChunk).ToArray(), 0);                   // [numTokens, hidden]
        using var metadata = BuildMetadata(batch.Sequences);
        var hidden = model.Forward(embeds, metadata, cache);                                   // [numTokens, hidden]
        var sampling = batch.Sequences.Select((s, i) => (s, i)).Where(p => p.s.NeedsLogits).ToList();
        if (sampling.Count == 0) return new StepResult(new Dictionary<long, SampledToken>(), visionImages);
        var lastRows = tensor(sampling.Select(p => (long)(QueryStart(batch.Sequences, p.i) + p.s.NumScheduledTokens - 1)).ToArray(), device: hidden.device);
        var logits = model.ComputeLogits(hidden.index_select(0, lastRows));                    // [numSampled, vocab]
        _unsampleable?.Exclude(logits);                                                        // logits are this step's own tensor
        var sampled = Sampler.Sample(logits, sampling.Select(p => rowFor(p.s.SequenceId)).ToList());
        return new StepResult(sampling.Select((p, k) => (p.s.SequenceId, sampled[k])).ToDictionary(x => x.SequenceId, x => x.Item2), visionImages);
    }

    private int EncodeImages(IReadOnlyList<EncoderInput> inputs, Func<EncoderInput, Tensor> pixelsFor)
    {
        if (inputs.Count == 0) return 0;
        var pixels = stack(inputs.Select(pixelsFor).ToArray());                                // [images, 3, S, S]
        var visual = model.EncodeImages(pixels);                                               // [images, N, hidden]
        for (var i = 0; i < inputs.Count; i++)
            encoderCache.Store(inputs[i].ContentHash, visual[i].clone().MoveToOuterDisposeScope().DetachFromDisposeScope());
        return inputs.Count;
    }

    /// <summary>
    /// Runs the vision tower (batched) only on images the store did not have, then the projector on all of them. Every
    /// image is projected from features rounded to the stored precision, so an image read from the store and the same
    /// image computed here give identical embeddings.
    /// </summary>
    private int EncodeImagesWithStore(IReadOnlyList<EncoderInput> inputs, Func<EncoderInput, Tensor> pixelsFor, StoredFeatureHooks hooks)
    {
        if (inputs.Count == 0) return 0;
        var fused = inputs.Select(hooks.Stored).ToArray();                                     // [N, fusedDim] or null
        var missing = Enumerable.Range(0, inputs.Count).Where(i => fused[i] is null).ToArray();
        if (missing.Length > 0)
        {
            var computed = model.FusedFeatures(stack(missing.Select(i => pixelsFor(inputs[i])).ToArray())); // [missing, N, fusedDim]
            for (var k = 0; k < missing.Length; k++)
            {
                fused[missing[k]] = computed[k];
                hooks.Computed(inputs[missing[k]], computed[k]);
            }
        }
        var rounded = stack(fused.Select(f => f!.to(model.Placement.Device)).ToArray()).to(hooks.StoredDType);
        var visual = model.ProjectFeatures(rounded);                                           // [images, N, hidden]
        for (var i = 0; i < inputs.Count; i++)
            encoderCache.Store(inputs[i].ContentHash, visual[i].clone().MoveToOuterDisposeScope().DetachFromDisposeScope());
        return missing.Length;
    }

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

/// <summary>What a step produced: one sampled token per sequence that needed one, and how many images the vision tower ran on.</summary>
public sealed record StepResult(IReadOnlyDictionary<long, SampledToken> Sampled, int NumImagesEncoded);
