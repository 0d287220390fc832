namespace FlorenceVL.Engine.Processing.Images;

/// <summary>An 8-bit RGB colour, used for the padding around non-square images.</summary>
public readonly record struct RgbColor(byte R, byte G, byte B);

/// <summary>One float per colour channel (normalisation mean or standard deviation).</summary>
public readonly record struct ChannelValues(float R, float G, float B)
{
    public float this[int channel] => channel switch
    {
        0 => R,
        1 => G,
        2 => B,
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, "RGB has channels 0, 1 and 2."),
    };
}

/// <summary>
/// How pictures become pixel tensors. The defaults are Florence-VL's: LLaVA's expand2square with the
/// ImageNet mean as padding, a 768x768 PIL-bicubic resize and ImageNet normalisation.
/// </summary>
public sealed record ImagePreprocessConfig
{
    public int ImageSize { get; init; } = 768;

    public RgbColor PaddingColor { get; init; } = new(123, 116, 103);

    public ChannelValues Mean { get; init; } = new(0.485f, 0.456f, 0.406f);

    public ChannelValues Std { get; init; } = new(0.229f, 0.224f, 0.225f);

    /// <summary>Largest width x height the header may declare; checked before any pixel is decoded.</summary>
    public long MaxPixels { get; init; } = 40_000_000;

    /// <summary>Largest encoded input accepted, in bytes.</summary>
    public long MaxBytes { get; init; } = 64L * 1024 * 1024;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ImageSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxPixels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxBytes);
        if (Std.R == 0f || Std.G == 0f || Std.B == 0f)
        {
            throw new ArgumentOutOfRangeException(nameof(Std), Std, "A normalisation std of 0 would divide by zero.");
        }
    }
}
