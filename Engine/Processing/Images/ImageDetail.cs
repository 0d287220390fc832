using FlorenceVL.Engine.Configuration;

namespace FlorenceVL.Engine.Processing.Images;

/// <summary>OpenAI's <c>image_url.detail</c>: high and auto run at the model's native size, low at a smaller one.</summary>
public enum ImageDetail
{
    Auto,
    Low,
    High,
}

/// <summary>
/// The low-detail preset: half the model's native side, rounded to a whole multiple of the tower's total stride (so
/// the grid stays square and whole), never below one stride. Florence-2's DaViT is convolutional and its encoder's
/// 2D position embeddings index the grid, so a smaller input is a smaller grid the model handles as it is: 768 px and
/// 576 visual tokens become 384 px and 144. The cost in accuracy is measured in docs/benchmarks.md.
/// </summary>
public static class ImageDetailSizes
{
    /// <summary>Image <paramref name="index"/>'s detail in a request's per-image list; missing entries are auto.</summary>
    public static ImageDetail At(IReadOnlyList<ImageDetail>? details, int index) =>
        details is not null && index >= 0 && index < details.Count ? details[index] : ImageDetail.Auto;

    public static int LowSide(FlorenceVLConfig config)
    {
        var grid = config.Vision.DaViT.GridSize(config.ImageSize);
        var stride = Math.Max(1, config.ImageSize / Math.Max(1, grid));
        var strides = Math.Max(1, (int)Math.Round(config.ImageSize / 2.0 / stride, MidpointRounding.AwayFromZero));
        return strides * stride;
    }

    public static int VisualTokens(FlorenceVLConfig config, int imageSize)
    {
        var grid = config.Vision.DaViT.GridSize(imageSize);
        return grid * grid;
    }
}
