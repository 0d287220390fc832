namespace FlorenceVL.Training.Evaluation;

/// <summary>One question type's verdict: its score against the accuracy it must reach.</summary>
public sealed record GateResult(QuestionTypeScore Score, double Floor)
{
    public bool Passes => Score.Accuracy >= Floor;
}

/// <summary>
/// The default model's quality gate (issue 18), the same on every eval split: at least 90% on count, colour, shape,
/// left/right and top/bottom, at least 80% on the word, and at least 60% on words and strings training never drew
/// (<c>word_unseen</c>, reported on its own row). Types without a floor (json, followup, text_only) are reported, not
/// gated; a gated type a split does not ask about is not checked.
/// </summary>
public static class QualityGate
{
    public static IReadOnlyDictionary<string, double> Floors { get; } = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["count"] = 0.90,
        ["color"] = 0.90,
        ["shape"] = 0.90,
        ["left_right"] = 0.90,
        ["top_bottom"] = 0.90,
        ["word"] = 0.80,
        ["word_unseen"] = 0.60,
    };

    public static IReadOnlyList<GateResult> Check(EvaluationReport report) =>
        report.ByType.Where(s => Floors.ContainsKey(s.QuestionType)).Select(s => new GateResult(s, Floors[s.QuestionType])).ToList();
}
