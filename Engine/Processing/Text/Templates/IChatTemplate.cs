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
    string RenderText(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = true, IReadOnlyList<ToolSpec>? tools = null);

    /// <summary>
    /// Tokens for inference; with a generation prompt the conversation must end with a user or tool message. Tools
    /// given here are described to the model the family's way (see <see cref="ToolCallFormat"/>).
    /// </summary>
    PromptTokens RenderPrompt(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = true, IReadOnlyList<ToolSpec>? tools = null);

    /// <summary>How this family writes a tool call, for the grammar and the parser.</summary>
    ToolCallFormat ToolCallFormat { get; }

    /// <summary>Tokens of a whole conversation, marking assistant content and its end token as loss tokens.</summary>
    TrainingTokens RenderTraining(IReadOnlyList<ChatMessage> messages);
}
