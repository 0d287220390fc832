namespace FlorenceVL.Engine.Inference;

/// <summary>Leading full blocks of a sequence found in the prefix cache, and the tokens they cover.</summary>
public sealed record PrefixHit(IReadOnlyList<int> BlockIds, int NumTokens)
{
    public static PrefixHit None { get; } = new([], 0);
}
