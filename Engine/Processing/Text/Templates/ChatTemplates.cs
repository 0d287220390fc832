namespace FlorenceVL.Engine.Processing.Text;

/// <summary>Finds the chat template for a checkpoint's config.json "model_type".</summary>
public static class ChatTemplates
{
    private static readonly IReadOnlyList<ConversationFormat> Formats = [ConversationFormat.Phi3, ConversationFormat.Llama3];

    public static IReadOnlyList<string> SupportedModelTypes { get; } = Formats.Select(f => f.ModelType).ToList();

    public static IChatTemplate ForModelType(string modelType, ITextTokenizer tokenizer)
    {
        var format = Formats.FirstOrDefault(f => f.ModelType == modelType)
            ?? throw new ChatTemplateException(
                $"No chat template for model_type '{modelType}'; supported: {string.Join(", ", SupportedModelTypes)}.");
        return new MptChatTemplate(format, tokenizer);
    }
}
