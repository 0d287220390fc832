namespace FlorenceVL.Engine.Inference;

/// <summary>How many tokens of a chunk can run given encoder room, and the images (indices) it must take.</summary>
internal sealed record EncoderPlan(int NumTokens, IReadOnlyList<int> ImageIndices);
