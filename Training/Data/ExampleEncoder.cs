using FlorenceVL.Engine.Processing.Text;

namespace FlorenceVL.Training.Data;

/// <summary>Renders a record with the serving chat template and expands its image into visual-token positions.</summary>
public sealed class ExampleEncoder(IChatTemplate template, int numVisualTokens, int maxLength)
{
    public TrainingExample Encode(LlavaRecord record, string? imagePath, BadRecordProblem problem)
    {
        var messages = LlavaConversation.ToMessages(record, problem);
        TrainingTokens tokens;
        try { tokens = template.RenderTraining(messages); }
        catch (ChatTemplateException e) { throw problem(e.Message); }
        var expanded = tokens.ExpandImages(numVisualTokens);
        if (expanded.Ids.Count > maxLength)
            throw problem($"is {expanded.Ids.Count} tokens long with its image, over the maximum length {maxLength}.");
        if (!expanded.IsLossToken.Any(f => f)) throw problem("has no assistant tokens to learn from.");
        return new TrainingExample(record.Id, imagePath, expanded.Ids, expanded.IsLossToken, expanded.Images);
    }
}
