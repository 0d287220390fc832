namespace FlorenceVL.Engine.Processing.Text;

/// <summary>Where an image's single placeholder sits in <see cref="PromptTokens.Ids"/>.</summary>
public sealed record ImageMarker(int Position, int ImageIndex);

/// <summary>The visual-token positions of one image in an expanded prompt.</summary>
public sealed record ImageSpan(int ImageIndex, int Offset, int Length);

/// <summary>
/// A rendered prompt with one position per image (holding fill id 0) and the markers naming those positions in order.
/// </summary>
public sealed record PromptTokens(IReadOnlyList<int> Ids, IReadOnlyList<ImageMarker> Markers)
{
    /// <summary>Replaces each marker by tokensPerImage positions (id 0, overwritten later by visual embeddings).</summary>
    public ExpandedPrompt ExpandImages(int tokensPerImage) => ExpandImages(_ => tokensPerImage);

    /// <summary>Each image by its own count (images at different resolutions, <c>detail</c>), by image index.</summary>
    public ExpandedPrompt ExpandImages(Func<int, int> tokensForImage)
    {
        var (ids, spans, _) = ImageExpansion.Expand(Ids, Markers, tokensForImage, perTokenFlags: null);
        return new ExpandedPrompt(ids, spans);
    }
}

/// <summary>The ids the model sees; <see cref="PromptTokenCount"/> counts the visual tokens too (for usage).</summary>
public sealed record ExpandedPrompt(IReadOnlyList<int> Ids, IReadOnlyList<ImageSpan> Images)
{
    public int PromptTokenCount => Ids.Count;
}

/// <summary>A full conversation for training: ids plus, per id, whether it is an assistant token to learn.</summary>
public sealed record TrainingTokens(PromptTokens Tokens, IReadOnlyList<bool> IsLossToken)
{
    /// <summary>Visual-token positions are never loss tokens.</summary>
    public ExpandedTrainingTokens ExpandImages(int tokensPerImage)
    {
        var (ids, spans, flags) = ImageExpansion.Expand(Tokens.Ids, Tokens.Markers, _ => tokensPerImage, IsLossToken);
        return new ExpandedTrainingTokens(ids, flags!, spans);
    }
}

public sealed record ExpandedTrainingTokens(IReadOnlyList<int> Ids, IReadOnlyList<bool> IsLossToken, IReadOnlyList<ImageSpan> Images);

internal static class ImageExpansion
{
    public const int VisualFillId = 0;

    public static (int[] Ids, List<ImageSpan> Spans, bool[]? Flags) Expand(
        IReadOnlyList<int> ids, IReadOnlyList<ImageMarker> markers, Func<int, int> tokensForImage, IReadOnlyList<bool>? perTokenFlags)
    {
        var counts = markers.ToDictionary(m => m.Position, m => tokensForImage(m.ImageIndex));
        if (counts.Values.Where(c => c <= 0).Select(c => (int?)c).FirstOrDefault() is int bad)
            throw new ArgumentOutOfRangeException(nameof(tokensForImage), bad, "Each image needs at least one visual token.");
        var length = ids.Count + counts.Values.Sum(c => c - 1);
        var expanded = new int[length];
        var flags = perTokenFlags is null ? null : new bool[length];
        var spans = new List<ImageSpan>(markers.Count);
        var markerAt = markers.ToDictionary(m => m.Position);
        var target = 0;
        for (var source = 0; source < ids.Count; source++)
        {
            if (markerAt.TryGetValue(source, out var marker))
            {
                var count = counts[source];
                spans.Add(new ImageSpan(marker.ImageIndex, target, count));
                Array.Fill(expanded, VisualFillId, target, count);
                target += count;
                continue;
            }
            expanded[target] = ids[source];
            if (flags is not null) flags[target] = perTokenFlags![source];
            target++;
        }
        return (expanded, spans, flags);
    }
}
