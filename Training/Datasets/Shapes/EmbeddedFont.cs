using SkiaSharp;

namespace FlorenceVL.Training.Datasets.Shapes;

/// <summary>DejaVu Sans Bold, read from this assembly so rendering never depends on the machine's fonts.</summary>
internal static class EmbeddedFont
{
    private const string ResourceName = "FlorenceVL.Training.DejaVuSans-Bold.ttf";
    private static readonly Lazy<SKTypeface> Typeface = new(Load);

    public static SKTypeface DejaVuSansBold => Typeface.Value;

    private static SKTypeface Load()
    {
        using var stream = typeof(EmbeddedFont).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The font resource '{ResourceName}' is missing from the training assembly.");
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        using var data = SKData.CreateCopy(memory.ToArray());
        return SKTypeface.FromData(data) ?? throw new InvalidOperationException("The embedded DejaVu Sans Bold font could not be read.");
    }
}
