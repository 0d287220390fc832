using System.Text;

namespace FlorenceVL.Engine.Processing.Text;

/// <summary>
/// Lays messages out in a <see cref="ConversationFormat"/>: the system block (leading system/developer messages,
/// else the default prompt), then each turn as header + content + separator. In user turns every image is
/// "&lt;image&gt;\n" on its own line, which is LLaVA's "&lt;image&gt;\n{question}" when the image comes first.
/// </summary>
internal static class ConversationLayout
{
    public static List<TemplatePiece> Build(ConversationFormat format, IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        ConversationValidator.Validate(messages, addGenerationPrompt);
        var systemMessages = messages.TakeWhile(m => m.IsSystemLike).ToList();
        var system = systemMessages.Count == 0
            ? format.DefaultSystemPrompt
            : string.Join("\n\n", systemMessages.Select(m => TextOf(m)));
        var pieces = new List<TemplatePiece> { new TemplateText(format.SystemPrefix + system + format.Separator, IsLoss: false) };
        foreach (var message in messages.Skip(systemMessages.Count))
        {
            if (message.Role == ChatRole.Assistant) AddAssistantTurn(format, message, pieces);
            else AddUserTurn(format, message, pieces);
        }
        if (addGenerationPrompt) pieces.Add(new TemplateText(format.AssistantHeader, IsLoss: false));
        return pieces;
    }

    private static void AddAssistantTurn(ConversationFormat format, ChatMessage message, List<TemplatePiece> pieces)
    {
        pieces.Add(new TemplateText(format.AssistantHeader, IsLoss: false));
        // The model learns to write the answer and to end it.
        pieces.Add(new TemplateText(TextOf(message) + format.Separator, IsLoss: true));
    }

    private static void AddUserTurn(ConversationFormat format, ChatMessage message, List<TemplatePiece> pieces)
    {
        var text = new StringBuilder(format.UserHeader);
        var contentStart = text.Length;
        foreach (var part in message.Parts)
        {
            if (part is TextPart textPart)
            {
                text.Append(textPart.Text);
                continue;
            }
            var image = (ImagePart)part;
            if (text.Length > contentStart && text[^1] != '\n') text.Append('\n');
            pieces.Add(new TemplateText(text.ToString(), IsLoss: false));
            pieces.Add(new TemplateImage(image.ImageIndex));
            text.Clear().Append('\n');
            contentStart = 0;
        }
        pieces.Add(new TemplateText(text.Append(format.Separator).ToString(), IsLoss: false));
    }

    private static string TextOf(ChatMessage message) =>
        string.Concat(message.Parts.Select(p => ((TextPart)p).Text));
}
