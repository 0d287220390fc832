using FlorenceVL.Engine.Processing.Text;

namespace FlorenceVL.Engine.Tests.Processing.Text;

public class TokenizerParityTests
{
    private static readonly ITextTokenizer Spm = TokenizerFixtures.Spm();
    private static readonly ITextTokenizer Bpe = TokenizerFixtures.Bpe();

    public static TheoryData<int> SpmCases => TokenizerFixtures.CaseIndices(TokenizerFixtures.SpmDirectory);

    public static TheoryData<int> BpeCases => TokenizerFixtures.CaseIndices(TokenizerFixtures.BpeDirectory);

    [Theory]
    [MemberData(nameof(SpmCases))]
    public void SentencePiece_ids_match_the_reference(int index)
    {
        var expected = TokenizerFixtures.Cases(TokenizerFixtures.SpmDirectory)[index];
        Assert.Equal(expected.Ids, Spm.Encode(expected.Text));
    }

    [Theory]
    [MemberData(nameof(SpmCases))]
    public void SentencePiece_decode_restores_the_text(int index)
    {
        var expected = TokenizerFixtures.Cases(TokenizerFixtures.SpmDirectory)[index];
        Assert.Equal(expected.Text, Spm.Decode(expected.Ids));
    }

    [Theory]
    [MemberData(nameof(BpeCases))]
    public void Byte_level_bpe_ids_match_the_reference(int index)
    {
        var expected = TokenizerFixtures.Cases(TokenizerFixtures.BpeDirectory)[index];
        Assert.Equal(expected.Ids, Bpe.Encode(expected.Text));
    }

    [Theory]
    [MemberData(nameof(BpeCases))]
    public void Byte_level_bpe_decode_restores_the_text(int index)
    {
        var expected = TokenizerFixtures.Cases(TokenizerFixtures.BpeDirectory)[index];
        Assert.Equal(expected.Text, Bpe.Decode(expected.Ids));
    }
}
