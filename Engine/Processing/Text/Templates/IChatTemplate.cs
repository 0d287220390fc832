namespace FlorenceVL.Engine.Processing.Text;

/// <summary>A model's conversation format, bound to its tokenizer.</summary>
public interface IChatTemplate
{
    string ModelType { get; }

    /// <summary>Used when the conversation has no system or developer message.</summary>
    string DefaultSystemPrompt { get; }

    /// <summary>The turn-end token and the tokenizer's EOS, as ids of this tokenizer.</summary>
    IReadOnlyList<int> StopTokenIds { get; }

    /// <summary>The prompt as text, with "&lt;image&gt;" where each image goes (for logs and tests).</summary>
    string RenderText(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = true);

    /// <summary>Tokens for inference; with a generation prompt the conversation must end with a user message.</summary>
    PromptTokens RenderPrompt(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = true);

    /// <summary>Tokens of a whole conversation, marking assistant content and its end token as loss tokens.</summary>
    TrainingTokens RenderTraining(IReadOnlyList<ChatMessage> messages);
}
