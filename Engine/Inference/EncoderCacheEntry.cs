namespace FlorenceVL.Engine.Inference;

/// <summary>A resident image: its size in visual tokens and how many sequences hold it.</summary>
public sealed record EncoderCacheEntry(string ContentHash, int NumTokens, int NumHolders, bool HasValue);
