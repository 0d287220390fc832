using FlorenceVL.Engine.Inference;

namespace FlorenceVL.Engine.Constrained;

/// <summary>A sequence whose whole output follows a grammar (response_format json_schema/json_object, a forced tool call).</summary>
internal sealed class GrammarConstraint(GrammarMatcher matcher, ConstraintStats stats) : ISequenceConstraint
{
    public bool FillMask(Span<uint> row)
    {
        matcher.FillMask(row);
        if (row[..matcher.Vocabulary.MaskWords].ContainsAnyExcept(0u)) return true;
        // The matcher's depth and length bounds make this unreachable; should it happen, end the sequence
        // rather than sample from nothing.
        stats.CountEmptyMask();
        foreach (var eos in matcher.Vocabulary.EosIds) row[eos >> 5] |= 1u << (eos & 31);
        return true;
    }

    public void Accept(int tokenId)
    {
        if (!matcher.Accept(tokenId)) stats.CountRefusedToken();
    }
}
