using System.Text;
using FlorenceVL.Engine.Processing.Text;

namespace FlorenceVL.Engine.Tests.Processing.Text;

public class StreamingDetokenizerTests
{
    public static TheoryData<string, string> MultiByteTexts => new()
    {
        { "spm", "Zebra 🦓 ∑∫ 12345" },
        { "spm", "Ünïcödé tëxt, 日本語のテキスト, emojis 🙂🚀 and tabs\tand  double  spaces." },
        { "spm", " leading space, café €5" },
        { "bpe", "Zebra 🦓 ∑∫ 12345" },
        { "bpe", "Ünïcödé tëxt, 日本語のテキスト, emojis 🙂🚀 and tabs\tand  double  spaces." },
        { "bpe", " leading space, café €5" },
    };

    [Theory]
    [MemberData(nameof(MultiByteTexts))]
    public void Chunks_add_up_to_the_full_decode_and_never_split_a_character(string kind, string text)
    {
        var tokenizer = kind == "spm" ? TokenizerFixtures.Spm() : TokenizerFixtures.Bpe();
        var ids = tokenizer.Encode(text);

        var chunks = Stream(tokenizer, ids, skipSpecialTokens: false);

        Assert.Equal(tokenizer.Decode(ids), string.Concat(chunks));
        Assert.Equal(text, string.Concat(chunks));
        Assert.All(chunks, chunk => Assert.True(IsWholeText(chunk), $"chunk {Escape(chunk)} splits a character"));
    }

    [Theory]
    [InlineData("spm")]
    [InlineData("bpe")]
    public void A_character_spread_over_several_tokens_arrives_in_one_chunk(string kind)
    {
        var tokenizer = kind == "spm" ? TokenizerFixtures.Spm() : TokenizerFixtures.Bpe();
        var ids = tokenizer.Encode("🦓");
        Assert.True(ids.Count >= 2, $"expected the emoji to need several tokens, got {ids.Count}");

        var detokenizer = new StreamingDetokenizer(tokenizer, skipSpecialTokens: false);

        var chunks = ids.Select(detokenizer.Push).ToList();

        Assert.All(chunks.SkipLast(1), chunk => Assert.Equal("", chunk));
        Assert.Equal("🦓", chunks[^1]);
    }

    [Fact]
    public void SentencePiece_drops_the_dummy_prefix_space_only_before_the_first_piece()
    {
        var tokenizer = TokenizerFixtures.Spm();
        var ids = tokenizer.Encode("A red circle");

        var chunks = Stream(tokenizer, ids, skipSpecialTokens: false);

        Assert.StartsWith("A", chunks.First(c => c.Length > 0));
        Assert.Equal("A red circle", string.Concat(chunks));
    }

    [Fact]
    public void Skipped_special_tokens_produce_no_text_and_match_decode()
    {
        var tokenizer = TokenizerFixtures.PhiStyle();
        var ids = tokenizer.Encode("Café ☕ is open<|end|><|endoftext|>");

        var chunks = Stream(tokenizer, ids, skipSpecialTokens: true);

        Assert.Equal("Café ☕ is open", string.Concat(chunks));
        Assert.Equal(tokenizer.Decode(ids, skipSpecialTokens: true), string.Concat(chunks));
    }

    [Fact]
    public void An_unfinished_character_is_released_by_flush_as_a_replacement_character()
    {
        var tokenizer = TokenizerFixtures.Bpe();
        var ids = tokenizer.Encode("🦓");
        var truncated = ids.Take(ids.Count - 1).ToList();
        var detokenizer = new StreamingDetokenizer(tokenizer);

        var streamed = string.Concat(truncated.Select(detokenizer.Push));

        Assert.Equal("", streamed);
        Assert.Equal(tokenizer.Decode(truncated), detokenizer.Flush());
        Assert.Contains('\uFFFD', tokenizer.Decode(truncated));
    }

    private static List<string> Stream(ITextTokenizer tokenizer, IEnumerable<int> ids, bool skipSpecialTokens)
    {
        var detokenizer = new StreamingDetokenizer(tokenizer, skipSpecialTokens);
        var chunks = ids.Select(detokenizer.Push).ToList();
        chunks.Add(detokenizer.Flush());
        return chunks;
    }

    private static bool IsWholeText(string chunk)
    {
        if (chunk.Contains('\uFFFD')) return false;
        for (var i = 0; i < chunk.Length; i++)
        {
            if (char.IsHighSurrogate(chunk[i]) && (i + 1 == chunk.Length || !char.IsLowSurrogate(chunk[++i]))) return false;
            if (char.IsLowSurrogate(chunk[i]) && (i == 0 || !char.IsHighSurrogate(chunk[i - 1]))) return false;
        }
        return true;
    }

    private static string Escape(string s) => string.Join(" ", Encoding.UTF8.GetBytes(s).Select(b => b.ToString("X2")));
}
