using System.Text.RegularExpressions;

namespace FlorenceVL.Engine.Processing.Text;

/// <summary>A piece of input text: either ordinary text or one added token matched verbatim.</summary>
internal abstract record TextPiece;

internal sealed record OrdinaryText(string Text) : TextPiece;

internal sealed record AddedTokenMatch(AddedToken Token) : TextPiece;

/// <summary>
/// Cuts text at added tokens (leftmost, then longest match, as HF's trie does) before the model's own
/// tokenization, and applies each token's lstrip/rstrip to the neighbouring text.
/// </summary>
internal sealed class AddedTokenSplitter
{
    private readonly Regex? _pattern;
    private readonly Dictionary<string, AddedToken> _byContent;

    public AddedTokenSplitter(IEnumerable<AddedToken> tokens)
    {
        _byContent = new Dictionary<string, AddedToken>(StringComparer.Ordinal);
        foreach (var token in tokens.Where(t => t.Content.Length > 0)) _byContent[token.Content] = token;
        if (_byContent.Count == 0) return;
        // Longest first, so that at one position the alternation prefers the longest token.
        var alternatives = _byContent.Keys.OrderByDescending(k => k.Length).Select(Regex.Escape);
        _pattern = new Regex(string.Join("|", alternatives), RegexOptions.CultureInvariant);
    }

    public IReadOnlyList<TextPiece> Split(string text)
    {
        if (_pattern is null) return text.Length == 0 ? [] : [new OrdinaryText(text)];
        var pieces = new List<TextPiece>();
        var cursor = 0;
        var stripNextLeadingWhitespace = false;
        foreach (Match match in _pattern.Matches(text))
        {
            var token = _byContent[match.Value];
            var before = text[cursor..match.Index];
            if (stripNextLeadingWhitespace) before = before.TrimStart();
            if (token.LStrip) before = before.TrimEnd();
            if (before.Length > 0) pieces.Add(new OrdinaryText(before));
            pieces.Add(new AddedTokenMatch(token));
            stripNextLeadingWhitespace = token.RStrip;
            cursor = match.Index + match.Length;
        }
        var rest = text[cursor..];
        if (stripNextLeadingWhitespace) rest = rest.TrimStart();
        if (rest.Length > 0) pieces.Add(new OrdinaryText(rest));
        return pieces;
    }
}
