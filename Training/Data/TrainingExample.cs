using FlorenceVL.Engine.Processing.Text;

namespace FlorenceVL.Training.Data;

/// <summary>
/// One tokenized conversation, images already expanded to their visual-token positions. IsLossToken[t] says whether
/// Ids[t] is an assistant token the model must learn to predict (from position t - 1).
/// </summary>
public sealed record TrainingExample(
    string Id,
    string? ImagePath,
    IReadOnlyList<int> Ids,
    IReadOnlyList<bool> IsLossToken,
    IReadOnlyList<ImageSpan> Images)
{
    public int Length => Ids.Count;
    public int NumLossTokens => IsLossToken.Count(f => f);

    /// <summary>An image with no conversation, for tools that only run the vision tower (feature precomputation).</summary>
    public static TrainingExample ImageOnly(string id, string imagePath) => new(id, imagePath, [], [], []);
}
