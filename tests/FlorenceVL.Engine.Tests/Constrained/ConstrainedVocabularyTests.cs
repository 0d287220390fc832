using System.Text;
using FlorenceVL.Engine.Constrained;

namespace FlorenceVL.Engine.Tests.Constrained;

public sealed class ConstrainedVocabularyTests
{
    [Fact]
    public void SentencePiece_pieces_become_their_text_bytes()
    {
        var tokenizer = ConstrainedTestVocabularies.Tokenizer("spm-fixture");
        var vocabulary = ConstrainedTestVocabularies.FromTokenizer(tokenizer);
        Assert.Equal("A"u8.ToArray(), vocabulary.TextBytes(tokenizer.TokenToId("<0x41>")!.Value).ToArray());
        Assert.Equal(new byte[] { 0xE6 }, vocabulary.TextBytes(tokenizer.TokenToId("<0xE6>")!.Value).ToArray());
        var spaced = Enumerable.Range(0, tokenizer.VocabSize).First(id => tokenizer.IdToToken(id) is { Length: > 1 } piece && piece[0] == '\u2581' && !tokenizer.IsSpecialToken(id));
        Assert.Equal(" " + tokenizer.IdToToken(spaced)![1..], Encoding.UTF8.GetString(vocabulary.TextBytes(spaced)));
    }

    [Theory]
    [InlineData("spm-fixture")]
    [InlineData("bpe-fixture")]
    [InlineData("florence-vl-shapes")]
    public void Special_tokens_carry_no_text_and_eos_ends_only_a_complete_document(string name)
    {
        var tokenizer = ConstrainedTestVocabularies.Tokenizer(name);
        var vocabulary = ConstrainedTestVocabularies.FromTokenizer(tokenizer);
        var special = Enumerable.Range(0, tokenizer.VocabSize).Where(tokenizer.IsSpecialToken).ToList();
        Assert.NotEmpty(special);
        Assert.All(special, id => Assert.False(vocabulary.IsTextToken(id)));
        var matcher = CompiledGrammar.FromJsonSchema("""{"type":"boolean"}""").CreateMatcher(vocabulary);
        Assert.All(ConstrainedDriver.AllowedIds(matcher.ComputeMask()), id => Assert.DoesNotContain(id, special));
        var encoded = tokenizer.EncodeContinuation("true");
        Assert.All(encoded, id => Assert.True(matcher.Accept(id)));
        var allowed = ConstrainedDriver.AllowedIds(matcher.ComputeMask());
        Assert.Equal(vocabulary.EosIds.Order(), allowed.Intersect(special).Order());
    }
}
