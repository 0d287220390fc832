using System.Text;

namespace FlorenceVL.Engine.Processing.Text;

/// <summary>
/// Lays messages out in a <see cref="ConversationFormat"/>: the system block (leading system/developer messages,
/// else the default prompt), then each turn as header + content + separator. In user turns every image is
/// "&lt;image&gt;\n" on its own line, which is LLaVA's "&lt;image&gt;\n{question}" when the image comes first.
/// Tools follow the format's <see cref="ToolDialect"/>: where the definitions go, how calls and results read.
/// </summary>
internal static class ConversationLayout
{
    public static List<TemplatePiece> Build(
        ConversationFormat format, IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt, IReadOnlyList<ToolSpec>? tools = null)
    {
        ConversationValidator.Validate(messages, addGenerationPrompt);
        tools ??= [];
        var systemMessages = messages.TakeWhile(m => m.IsSystemLike).ToList();
        var system = systemMessages.Count == 0
            ? format.DefaultSystemPrompt
            : string.Join("\n\n", systemMessages.Select(m => TextOf(m)));
        if (tools.Count > 0)
        {
            system = format.Tools == ToolDialect.Llama31Json
                ? ConversationFormat.LlamaToolEnvironment + "\n" + system
                : system + ToolPrompts.PhiSystemAddendum(tools);
        }
        var pieces = new List<TemplatePiece> { new TemplateText(format.SystemPrefix + system + format.Separator, IsLoss: false) };
        // Meta's template puts the definitions at the top of the first user message.
        var toolPreface = tools.Count > 0 && format.Tools == ToolDialect.Llama31Json ? ToolPrompts.LlamaUserPreface(tools) : null;
        foreach (var message in messages.Skip(systemMessages.Count))
        {
            switch (message.Role)
            {
                case ChatRole.Assistant:
                    AddAssistantTurn(format, message, pieces);
                    break;
                case ChatRole.Tool:
                    AddToolTurn(format, message, pieces);
                    break;
                default:
                    AddUserTurn(format, message, pieces, toolPreface);
                    toolPreface = null;
                    break;
            }
        }
        if (addGenerationPrompt) pieces.Add(new TemplateText(format.AssistantHeader, IsLoss: false));
        return pieces;
    }

    public static ToolCallFormat CallFormat(ToolDialect dialect, int? pythonTagId = null) =>
        dialect == ToolDialect.Llama31Json ? ToolCallFormat.Llama31(pythonTagId) : ToolCallFormat.Phi3;

    private static void AddAssistantTurn(ConversationFormat format, ChatMessage message, List<TemplatePiece> pieces)
    {
        pieces.Add(new TemplateText(format.AssistantHeader, IsLoss: false));
        var text = TextOf(message);
        if (message.ToolCalls.Count > 0)
        {
            var calls = ToolPrompts.Calls(CallFormat(format.Tools), message.ToolCalls);
            text = text.Length == 0 ? calls : text + "\n" + calls;
        }
        // The model learns to write the answer and to end it.
        pieces.Add(new TemplateText(text + format.Separator, IsLoss: true));
    }

    private static void AddToolTurn(ConversationFormat format, ChatMessage message, List<TemplatePiece> pieces)
    {
        var content = TextOf(message);
        var text = format.Tools == ToolDialect.Llama31Json
            ? ConversationFormat.LlamaToolHeader + content
            : format.UserHeader + ToolPrompts.PhiToolResult(message.ToolName, content);
        pieces.Add(new TemplateText(text + format.Separator, IsLoss: false));
    }

    private static void AddUserTurn(ConversationFormat format, ChatMessage message, List<TemplatePiece> pieces, string? preface)
    {
        var text = new StringBuilder(format.UserHeader);
        var contentStart = text.Length;
        foreach (var part in message.Parts)
        {
            if (part is TextPart textPart)
            {
                if (preface is not null) text.Append(preface);
                preface = null;
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
        if (preface is not null) text.Append(preface); // a message of images only: the definitions still come
        pieces.Add(new TemplateText(text.Append(format.Separator).ToString(), IsLoss: false));
    }

    private static string TextOf(ChatMessage message) =>
        string.Concat(message.Parts.Select(p => ((TextPart)p).Text));
}
