using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Modeling;

namespace FlorenceVL.Engine.Weights;

/// <summary>One tensor of a released checkpoint: its name there and its shape.</summary>
public sealed record ReleasedTensor(string Name, long[] Shape)
{
    public long NumElements => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// Every tensor a released Florence-VL checkpoint of a given architecture holds, as the original training code saves
/// it (the whole Florence-2 model, its unused text decoder and tied copies included; Llama's projections unfused).
/// Used to write full-size random checkpoints in the released layout; a test holds it against the tables written from
/// the reference (tests' Fixtures/released-layouts).
/// </summary>
public static class ReleasedTensorList
{
    public static IReadOnlyList<ReleasedTensor> For(FlorenceVLConfig config)
    {
        using var model = new FlorenceVLModel(config, ModelPlacement.Meta);
        var tensors = new List<ReleasedTensor>();
        foreach (var (moduleName, tensor) in model.state_dict())
            tensors.AddRange(Unpack(config.Text, ReleasedNames.FromModuleName(moduleName), tensor.shape));
        tensors.AddRange(UnusedFlorence2(config.Vision));
        return tensors.OrderBy(t => t.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>Llama checkpoints store q/k/v and gate/up separately (the inverse of the loader's pack rules).</summary>
    private static IEnumerable<ReleasedTensor> Unpack(TextConfig text, string name, long[] shape)
    {
        if (text.Kind != DecoderKind.Llama || !name.StartsWith("model.layers.", StringComparison.Ordinal))
            return [new(name, shape)];
        if (name.EndsWith(".self_attn.qkv_proj.weight", StringComparison.Ordinal))
        {
            var prefix = name[..^"qkv_proj.weight".Length];
            long q = text.NumAttentionHeads * text.HeadDim, kv = text.NumKeyValueHeads * text.HeadDim;
            return [new(prefix + "q_proj.weight", [q, shape[1]]), new(prefix + "k_proj.weight", [kv, shape[1]]), new(prefix + "v_proj.weight", [kv, shape[1]])];
        }
        if (name.EndsWith(".mlp.gate_up_proj.weight", StringComparison.Ordinal))
        {
            var prefix = name[..^"gate_up_proj.weight".Length];
            return [new(prefix + "gate_proj.weight", [shape[0] / 2, shape[1]]), new(prefix + "up_proj.weight", [shape[0] / 2, shape[1]])];
        }
        return [new(name, shape)];
    }

    /// <summary>
    /// Florence-2's text decoder (as deep and wide as its encoder in both released towers), its head, the tied copies of
    /// the shared embedding and the temporal-embedding buffer: saved with the model, skipped by the loader.
    /// </summary>
    private static IEnumerable<ReleasedTensor> UnusedFlorence2(VisionTowerConfig vision)
    {
        const string lm = "model.vision_tower.vision_tower.language_model.";
        long d = vision.Encoder.DModel, ffn = vision.Encoder.EncoderFfnDim, vocab = vision.Encoder.VocabSize;
        yield return new($"{lm}lm_head.weight", [vocab, d]);
        yield return new($"{lm}model.encoder.embed_tokens.weight", [vocab, d]);
        yield return new($"{lm}model.decoder.embed_tokens.weight", [vocab, d]);
        yield return new($"{lm}model.decoder.embed_positions.weight", [vision.Encoder.MaxPositionEmbeddings + 2L, d]);
        yield return new($"{lm}model.decoder.layernorm_embedding.weight", [d]);
        yield return new($"{lm}model.decoder.layernorm_embedding.bias", [d]);
        for (var layer = 0; layer < vision.Encoder.EncoderLayers; layer++)
        {
            var p = $"{lm}model.decoder.layers.{layer}.";
            foreach (var attention in new[] { "self_attn", "encoder_attn" })
            {
                foreach (var projection in new[] { "q_proj", "k_proj", "v_proj", "out_proj" })
                {
                    yield return new($"{p}{attention}.{projection}.weight", [d, d]);
                    yield return new($"{p}{attention}.{projection}.bias", [d]);
                }
                yield return new($"{p}{attention}_layer_norm.weight", [d]);
                yield return new($"{p}{attention}_layer_norm.bias", [d]);
            }
            yield return new($"{p}fc1.weight", [ffn, d]);
            yield return new($"{p}fc1.bias", [ffn]);
            yield return new($"{p}fc2.weight", [d, ffn]);
            yield return new($"{p}fc2.bias", [d]);
            yield return new($"{p}final_layer_norm.weight", [d]);
            yield return new($"{p}final_layer_norm.bias", [d]);
        }
        yield return new("model.vision_tower.vision_tower.visual_temporal_embed.pos_idx_to_embed", [vision.MaxTemporalEmbeddings, vision.DaViT.OutputDim]);
    }
}
