using System.Text.Json.Serialization;

namespace FlorenceVL.Training.Data;

/// <summary>One turn of a LLaVA conversation: <c>from</c> is "human" or "gpt".</summary>
public sealed record LlavaTurn(
    [property: JsonPropertyName("from")] string From,
    [property: JsonPropertyName("value")] string Value)
{
    public const string Human = "human";
    public const string Gpt = "gpt";
    public const string ImagePlaceholder = "<image>";
}

/// <summary>
/// One record of LLaVA's conversation JSON. <c>question_type</c> is our extension (ignored by other LLaVA tools): it
/// lets <c>eval</c> report exact-match accuracy per kind of question.
/// </summary>
public sealed record LlavaRecord(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("image")] string? Image,
    [property: JsonPropertyName("conversations")] IReadOnlyList<LlavaTurn> Conversations,
    [property: JsonPropertyName("question_type"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? QuestionType = null);
