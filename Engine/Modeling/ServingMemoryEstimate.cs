using FlorenceVL.Engine.Configuration;

namespace FlorenceVL.Engine.Modeling;

/// <summary>
/// What serving a model takes in device memory, estimated from its architecture before anything is loaded:
/// <list type="bullet">
/// <item>weights: every module parameter at the serving dtype (the Florence-2 decoder that checkpoints carry is never loaded);</item>
/// <item>KV pool: 2 (K and V) x layers x KV heads x head dim x element size per token, times the context, per sequence;</item>
/// <item>activations (rough, the larger of two peaks): a prefill chunk of the decoder (the hidden state with its norm and
/// residual copies, the fused gate/up output and half of it after the product, the qkv output and fp32 logits for the last
/// position of each sequence), or the vision tower on one image (the widest DaViT stage's four-fold MLP output with its
/// input and residual, and the encoder's 3 prompts x tokens x FFN width).</item>
/// </list>
/// Good for planning a device, not a promise: allocator caching and fragmentation come on top.
/// </summary>
public sealed record ServingMemoryEstimate(long WeightBytes, long KvBytesPerToken, long KvPoolBytes, long ActivationBytes)
{
    public long TotalBytes => WeightBytes + KvPoolBytes + ActivationBytes;

    public static ServingMemoryEstimate For(FlorenceVLConfig config, long parameters, int elementSize, int contextLength, int sequences, int prefillChunkTokens)
    {
        var text = config.Text;
        var kvPerToken = 2L * text.NumHiddenLayers * text.NumKeyValueHeads * text.HeadDim * elementSize;
        var chunk = (long)Math.Min(prefillChunkTokens, contextLength);
        var decoderPeak = chunk * (3L * text.HiddenSize + 3L * text.IntermediateSize + text.QkvOutputSize) * elementSize
            + (long)sequences * text.VocabSize * sizeof(float);
        return new(parameters * elementSize, kvPerToken, kvPerToken * contextLength * sequences,
            Math.Max(decoderPeak, TowerPeak(config, elementSize)));
    }

    private static long TowerPeak(FlorenceVLConfig config, int elementSize)
    {
        var davit = config.Vision.DaViT;
        long side = config.ImageSize, widest = 0;
        for (var stage = 0; stage < davit.DimEmbed.Count; stage++)
        {
            side = (side + 2L * davit.PatchPadding[stage] - davit.PatchSize[stage]) / davit.PatchStride[stage] + 1;
            widest = Math.Max(widest, side * side * davit.DimEmbed[stage] * 6L); // 4C MLP output + input + residual
        }
        var encoderTokens = (long)config.NumVisualTokens + 1 + config.Vision.Prompts.Length;
        var encoder = config.Vision.Prompts.Count * encoderTokens * (config.Vision.Encoder.EncoderFfnDim + 3L * config.Vision.Encoder.DModel);
        return Math.Max(widest, encoder) * elementSize;
    }
}
