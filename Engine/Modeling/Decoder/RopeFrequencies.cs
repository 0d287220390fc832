using FlorenceVL.Engine.Configuration;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.Decoder;

/// <summary>
/// Rotary inverse frequencies and the cos/sin scale for each HF <c>rope_type</c> this project serves. Computed in
/// float32 exactly as HF's <c>modeling_rope_utils</c> does, so positions map to the same angles as the reference.
/// </summary>
internal static class RopeFrequencies
{
    /// <summary>inv_freq_i = 1 / theta^(2i/D), as float32 on the CPU.</summary>
    public static Tensor Default(TextConfig config)
    {
        using var exponents = arange(0, config.HeadDim, 2, ScalarType.Int64).to_type(ScalarType.Float32) / config.HeadDim;
        using var powers = pow(tensor((float)config.RopeTheta), exponents);
        return powers.reciprocal();
    }

    /// <summary>LongRoPE (Phi-3.5): inv_freq_i = 1 / (factor_i * theta^(2i/D)) with the short or long factors.</summary>
    public static Tensor LongRope(TextConfig config, bool longFactors)
    {
        var scaling = RequireScaling(config, "longrope");
        var factors = (longFactors ? scaling.LongFactor : scaling.ShortFactor)
            ?? throw new ModelConfigException("longrope rope_scaling needs short_factor and long_factor.");
        using var exponents = arange(0, config.HeadDim, 2, ScalarType.Int64).to_type(ScalarType.Float32) / config.HeadDim;
        using var powers = pow(tensor((float)config.RopeTheta), exponents);
        using var ext = tensor(factors.Select(f => (float)f).ToArray());
        using var scaled = ext * powers;
        return scaled.reciprocal();
    }

    /// <summary>
    /// LongRoPE's cos/sin multiplier sqrt(1 + ln(s)/ln(original)), s = max_position_embeddings / original, applied to
    /// every position whichever factors are in use (HF derives it from the config, not from the sequence).
    /// </summary>
    public static double LongRopeAttentionScaling(TextConfig config)
    {
        var factor = (double)config.MaxPositionEmbeddings / config.OriginalMaxPositionEmbeddings;
        return factor <= 1.0 ? 1.0 : Math.Sqrt(1 + Math.Log(factor) / Math.Log(config.OriginalMaxPositionEmbeddings));
    }

    /// <summary>
    /// Llama 3.1: long wavelengths (beyond original/low_freq_factor) are divided by <c>factor</c>, short ones (below
    /// original/high_freq_factor) kept, and the band between interpolated smoothly.
    /// </summary>
    public static Tensor Llama3(TextConfig config)
    {
        var scaling = RequireScaling(config, "llama3");
        double original = scaling.OriginalMaxPositionEmbeddings ?? config.OriginalMaxPositionEmbeddings;
        var lowFreqWavelen = original / scaling.LowFreqFactor;
        var highFreqWavelen = original / scaling.HighFreqFactor;
        using var scope = NewDisposeScope();
        var invFreq = Default(config);
        var wavelen = 2 * Math.PI / invFreq;
        var scaled = where(wavelen > lowFreqWavelen, invFreq / scaling.Factor, invFreq);
        var smooth = (original / wavelen - scaling.LowFreqFactor) / (scaling.HighFreqFactor - scaling.LowFreqFactor);
        var smoothed = (1 - smooth) * scaled / scaling.Factor + smooth * scaled;
        var isMedium = (wavelen >= highFreqWavelen).logical_and(wavelen <= lowFreqWavelen);
        return where(isMedium, smoothed, scaled).MoveToOuterDisposeScope();
    }

    private static RopeScaling RequireScaling(TextConfig config, string type) =>
        config.RopeScaling is { } scaling && scaling.Type == type
            ? scaling
            : throw new ModelConfigException($"rope_scaling type '{type}' expected but the config has '{config.RopeScaling?.Type ?? "none"}'.");
}
