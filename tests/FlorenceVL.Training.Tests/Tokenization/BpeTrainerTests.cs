using FlorenceVL.Engine.Processing.Text;
using FlorenceVL.Training.Tests.Support;
using FlorenceVL.Training.Tokenization;

namespace FlorenceVL.Training.Tests.Tokenization;

public class BpeTrainerTests
{
    // A corpus in which capital pairs are the most frequent pairs of all, so an unrestricted BPE merges them first.
    private static readonly string[] Corpus = [.. Enumerable.Repeat("The word \"STONE\" is written in the middle. STONE STAR STOP", 20), "a red circle on the left"];

    [Fact]
    public void Capitals_stay_one_token_each_so_an_unseen_word_is_spelled()
    {
        using var directory = new TempDirectory();
        var tokenizer = TinyTokenizer.Create(directory.Path, Corpus);

        foreach (var word in new[] { "STONE", "QUIZX" })
            Assert.Equal(word.Select(c => c.ToString()), Pieces(tokenizer, word));
        // In a caption the quotes stay apart from the word's first and last letters too.
        Assert.Equal(["\"", "S", "T", "O", "N", "E", "\""], Pieces(tokenizer, "\"STONE\"")[^7..]);
        // Lower-case text still merges (the corpus' "written" is far shorter than its seven bytes).
        Assert.True(tokenizer.Encode(" written").Count < " written".Length);
    }

    private static string[] Pieces(ITextTokenizer tokenizer, string text) => tokenizer.Encode(text).Select(id => tokenizer.Decode([id])).ToArray();

    [Fact]
    public void Without_the_rule_the_same_corpus_merges_capital_pairs()
    {
        var merges = BpeTrainer.Train(Corpus, maxMerges: 60, keepCapitalsApart: false).Merges;
        Assert.Contains(("S", "T"), merges);
        Assert.DoesNotContain(BpeTrainer.Train(Corpus, maxMerges: 60).Merges,
            m => char.IsAsciiLetterUpper(m.Right[0]) || (char.IsAsciiLetterUpper(m.Left[^1]) && !char.IsAsciiLetterLower(m.Right[0])));
    }
}
