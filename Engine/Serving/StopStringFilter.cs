namespace FlorenceVL.Engine.Serving;

/// <summary>
/// Holds back generated text that could still become a stop string, so a stop string is never emitted even when it
/// spans several tokens. <see cref="Push"/> returns the text that is safe to send and whether a stop string matched
/// (everything from the match on is dropped, as OpenAI does).
/// </summary>
public sealed class StopStringFilter(IReadOnlyList<string> stopStrings)
{
    private string _held = "";

    public (string Text, bool Stopped) Push(string text)
    {
        var buffer = _held + text;
        var firstMatch = stopStrings.Select(s => buffer.IndexOf(s, StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(-1).Min();
        if (firstMatch >= 0)
        {
            _held = "";
            return (buffer[..firstMatch], true);
        }
        var keep = LongestSuffixThatStartsAStop(buffer);
        _held = buffer[(buffer.Length - keep)..];
        return (buffer[..(buffer.Length - keep)], false);
    }

    /// <summary>The held text once generation ends without a stop string.</summary>
    public string Flush()
    {
        var rest = _held;
        _held = "";
        return rest;
    }

    private int LongestSuffixThatStartsAStop(string buffer)
    {
        var longest = 0;
        foreach (var stop in stopStrings)
            for (var length = Math.Min(stop.Length - 1, buffer.Length); length > longest; length--)
                if (string.CompareOrdinal(buffer, buffer.Length - length, stop, 0, length) == 0)
                {
                    longest = length;
                    break;
                }
        return longest;
    }
}
