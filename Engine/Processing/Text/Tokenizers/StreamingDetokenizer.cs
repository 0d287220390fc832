using System.Text;

namespace FlorenceVL.Engine.Processing.Text;

/// <summary>
/// Turns one sequence's generated ids into text as they arrive. Bytes of a character that is still incomplete
/// (a multi-byte UTF-8 character spread over byte-fallback or byte-level tokens) are held back until the
/// character is whole, so every chunk is clean text and all chunks together equal <see cref="ITextTokenizer.Decode"/>.
/// </summary>
public sealed class StreamingDetokenizer
{
    private readonly ITextTokenizer _tokenizer;
    private readonly bool _skipSpecialTokens;
    private readonly List<byte> _pending = [];
    private bool _sawText;

    public StreamingDetokenizer(ITextTokenizer tokenizer, bool skipSpecialTokens = true)
    {
        _tokenizer = tokenizer;
        _skipSpecialTokens = skipSpecialTokens;
    }

    /// <summary>Adds one token and returns the text it completes (often empty while a character is partial).</summary>
    public string Push(int id)
    {
        var bytes = _tokenizer.TokenBytes(id, _skipSpecialTokens);
        if (bytes.IsEmpty) return "";
        TokenBytesDecoder.AppendFirstAware(_tokenizer, id, bytes, isFirst: !_sawText, _pending);
        _sawText = true;
        return Take(CompletePrefixLength());
    }

    /// <summary>Returns whatever is still held (an unfinished character decodes to U+FFFD, as in Decode).</summary>
    public string Flush() => Take(_pending.Count);

    private string Take(int count)
    {
        if (count == 0) return "";
        var text = Encoding.UTF8.GetString(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pending)[..count]);
        _pending.RemoveRange(0, count);
        return text;
    }

    /// <summary>
    /// Everything up to the start of the last character, when that character still lacks bytes. Cutting just
    /// before a lead byte never changes how the bytes on either side decode.
    /// </summary>
    private int CompletePrefixLength()
    {
        var end = _pending.Count;
        for (var i = end - 1; i >= Math.Max(0, end - 4); i--)
        {
            var b = _pending[i];
            if ((b & 0b1100_0000) == 0b1000_0000) continue;
            return end - i < Utf8SequenceLength(b) ? i : end;
        }
        return end;
    }

    private static int Utf8SequenceLength(byte lead) => lead switch
    {
        >= 0xC2 and <= 0xDF => 2,
        >= 0xE0 and <= 0xEF => 3,
        >= 0xF0 and <= 0xF4 => 4,
        _ => 1,
    };
}
