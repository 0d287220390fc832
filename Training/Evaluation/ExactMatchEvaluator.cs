using FlorenceVL.Engine.Processing.Text;
using FlorenceVL.Training.Data;

namespace FlorenceVL.Training.Evaluation;

/// <summary>Accuracy of one kind of question.</summary>
public sealed record QuestionTypeScore(string QuestionType, int NumCorrect, int NumQuestions)
{
    public double Accuracy => NumQuestions == 0 ? 0 : (double)NumCorrect / NumQuestions;
}

/// <summary>One question, what the model said and whether it counts.</summary>
public sealed record EvaluatedAnswer(string Id, string QuestionType, string Expected, string Actual, bool IsCorrect);

public sealed record EvaluationReport(IReadOnlyList<QuestionTypeScore> ByType, QuestionTypeScore Overall, IReadOnlyList<EvaluatedAnswer> Answers);

/// <summary>
/// Scores a LLaVA dataset by exact match: the last gpt turn of each record is the reference, the turns before it the
/// prompt. Answers match after trimming whitespace and a final full stop, ignoring case. Records without a
/// question_type are scored under "all".
/// </summary>
public static class ExactMatchEvaluator
{
    public static EvaluationReport Evaluate(IReadOnlyList<LlavaRecord> records, DatasetSource source, Func<IReadOnlyList<ChatMessage>, string?, string> answer)
    {
        var answers = new List<EvaluatedAnswer>(records.Count);
        for (var index = 0; index < records.Count; index++)
        {
            var record = records[index];
            BadRecordException Problem(string problem) => new(source.JsonPath, index, record.Id, problem);
            var messages = LlavaConversation.ToMessages(record, Problem);
            var expected = record.Conversations[^1].Value;
            var actual = answer(messages.Take(messages.Count - 1).ToList(), LlavaDatasetReader.ResolveImage(source, record, Problem));
            answers.Add(new EvaluatedAnswer(record.Id, record.QuestionType ?? "all", expected, actual, Matches(expected, actual)));
        }
        var byType = answers.GroupBy(a => a.QuestionType).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new QuestionTypeScore(g.Key, g.Count(a => a.IsCorrect), g.Count())).ToList();
        return new EvaluationReport(byType, new QuestionTypeScore("overall", answers.Count(a => a.IsCorrect), answers.Count), answers);
    }

    public static bool Matches(string expected, string actual) =>
        string.Equals(Normalize(expected), Normalize(actual), StringComparison.OrdinalIgnoreCase);

    private static string Normalize(string answer) => answer.Trim().TrimEnd('.').Trim();
}
