namespace FlorenceVL.Engine.Inference;

/// <summary>The outcome of admitting a sequence: its blocks, and how many leading tokens came from the cache.</summary>
public sealed record BlockAllocation(IReadOnlyList<int> BlockIds, int NumCachedTokens);
