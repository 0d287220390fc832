using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.Projector;

/// <summary>
/// Florence-VL's depth-breadth fusion: at every grid position, concatenate on channels the image features V (depth)
/// and the encoder's last hidden state for each task prompt (breadth), in prompt order: [V, caption, OCR, region].
/// <para>
/// Layout decision (MODEL.md step 5), made here and only here: the tower's image tokens are [global, grid...]. The
/// global (mean-pooled) token takes part in encoder attention but is not handed to the LLM, so an image gives
/// exactly its grid tokens (576 for the released models, the paper's count). The prompt tokens are dropped as well.
/// </para>
/// </summary>
public static class DBFusion
{
    /// <summary>Tokens before the grid in the tower's image features: the mean-pooled global token.</summary>
    public const int NumGlobalTokens = 1;

    /// <summary>Visual tokens an image contributes to the LLM for a grid of <paramref name="gridSide"/>².</summary>
    public static int NumVisualTokens(int gridSide) => gridSide * gridSide;

    /// <param name="imageFeatures">[B, 1 + HW, d], global token first.</param>
    /// <param name="encoderStates">one [B, 1 + HW + promptLength, d] per task prompt, image tokens first.</param>
    /// <returns>[B, HW, (1 + prompts) * d].</returns>
    public static Tensor Fuse(Tensor imageFeatures, IReadOnlyList<Tensor> encoderStates)
    {
        using var scope = NewDisposeScope();
        var numGridTokens = imageFeatures.shape[1] - NumGlobalTokens;
        var gridParts = new[] { imageFeatures }.Concat(encoderStates)
            .Select(features => features.narrow(1, NumGlobalTokens, numGridTokens)) // [B, HW, d] each
            .ToArray();
        return cat(gridParts, -1).MoveToOuterDisposeScope();
    }
}
