namespace FlorenceVL.Engine.Processing.Text;

/// <summary>The checkpoint folder has no usable tokenizer file, or the file cannot be read.</summary>
public sealed class TokenizerLoadException : Exception
{
    public TokenizerLoadException(string message, Exception? inner = null) : base(message, inner) { }
}
