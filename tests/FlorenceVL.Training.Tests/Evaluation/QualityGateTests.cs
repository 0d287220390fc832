using FlorenceVL.Training.Evaluation;

namespace FlorenceVL.Training.Tests.Evaluation;

public class QualityGateTests
{
    private static EvaluationReport Report(params (string Type, int Correct, int Total)[] scores) =>
        new(scores.Select(s => new QuestionTypeScore(s.Type, s.Correct, s.Total)).ToList(), new QuestionTypeScore("overall", 0, 0), []);

    [Fact]
    public void The_floors_are_the_issue_s_90_percent_on_scene_questions_80_on_the_word_and_60_on_unseen_words()
    {
        var results = QualityGate.Check(Report(("count", 90, 100), ("color", 89, 100), ("shape", 9, 10), ("left_right", 10, 10),
            ("top_bottom", 899, 1000), ("word", 80, 100), ("word_unseen", 59, 100), ("json", 0, 100), ("text_only", 0, 10)));

        Assert.Equal(["color", "count", "left_right", "shape", "top_bottom", "word", "word_unseen"], results.Select(r => r.Score.QuestionType).Order());
        Assert.Equal(["color", "top_bottom", "word_unseen"], results.Where(r => !r.Passes).Select(r => r.Score.QuestionType).Order());
    }

    [Fact]
    public void A_split_without_a_gated_type_is_not_failed_for_it()
    {
        Assert.Empty(QualityGate.Check(Report(("json", 1, 2), ("followup", 0, 3))));
        Assert.All(QualityGate.Check(Report(("count", 1, 1))), r => Assert.True(r.Passes));
    }
}
