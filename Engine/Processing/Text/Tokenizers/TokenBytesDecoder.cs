using System.Text;

namespace FlorenceVL.Engine.Processing.Text;

/// <summary>
/// The one definition of "decode" for every tokenizer: concatenate each token's raw bytes, drop the dummy-prefix
/// space of the first piece where the tokenizer has one, then read UTF-8 (invalid bytes become U+FFFD).
/// The streaming detokenizer follows the same rules, so its chunks always add up to this.
/// </summary>
internal static class TokenBytesDecoder
{
    public static string Decode(ITextTokenizer tokenizer, IEnumerable<int> ids, bool skipSpecialTokens)
    {
        var bytes = new List<byte>();
        var first = true;
        foreach (var id in ids)
        {
            var tokenBytes = tokenizer.TokenBytes(id, skipSpecialTokens);
            if (tokenBytes.IsEmpty) continue;
            AppendFirstAware(tokenizer, id, tokenBytes, first, bytes);
            first = false;
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    public static void AppendFirstAware(ITextTokenizer tokenizer, int id, ReadOnlySpan<byte> tokenBytes, bool isFirst, List<byte> sink)
    {
        if (isFirst && tokenizer.DropsLeadingSpaceOfFirstToken && !tokenizer.IsSpecialToken(id) && tokenBytes[0] == (byte)' ')
            tokenBytes = tokenBytes[1..];
        foreach (var b in tokenBytes) sink.Add(b);
    }
}
