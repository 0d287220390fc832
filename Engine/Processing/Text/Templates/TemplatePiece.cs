namespace FlorenceVL.Engine.Processing.Text;

/// <summary>A rendered conversation before tokenization: text runs (loss or not) and image slots, in order.</summary>
internal abstract record TemplatePiece;

internal sealed record TemplateText(string Text, bool IsLoss) : TemplatePiece;

internal sealed record TemplateImage(int ImageIndex) : TemplatePiece;
