namespace FlorenceVL.Engine.Processing.Text;

/// <summary>The conversation cannot be rendered with the template (bad order, misplaced image, or a tokenizer lacking the template's tokens).</summary>
public sealed class ChatTemplateException : Exception
{
    public ChatTemplateException(string message) : base(message) { }
}
