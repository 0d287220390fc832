using System.Text;
using System.Text.RegularExpressions;
using FlorenceVL.Engine.Processing.Text;

namespace FlorenceVL.Training.Tokenization;

/// <summary>A trained byte-level BPE: the 256 byte symbols, then one symbol per merge, in merge order.</summary>
public sealed record BpeModel(IReadOnlyList<string> Symbols, IReadOnlyList<(string Left, string Right)> Merges);

/// <summary>
/// Learns byte-level BPE merges from a corpus (Sennrich et al.): split the text into pre-tokens with the same regex
/// the tokenizer will use, spell each pre-token in GPT-2's byte alphabet, then repeatedly merge the most frequent
/// adjacent pair. Ties break on the pair's text, so a corpus always gives the same merges.
/// Capitals are kept apart (<c>keepCapitalsApart</c>, on by default; see <see cref="SplitsCapitals"/>): the shapes model answers the written
/// word in capitals, and with one token per capital it writes a word it never saw letter by letter. A vocabulary that
/// had merged the training words' letter pairs ("ST", "PEN", "PLAN") answered every unseen word with pieces of the
/// words it knew (issue 18).
/// </summary>
public static class BpeTrainer
{
    /// <summary>Llama-3's split pattern (the one the Engine's byte-level tokenizer reads from tokenizer.json).</summary>
    public const string SplitPattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private static readonly Regex Split = new(SplitPattern, RegexOptions.CultureInvariant);

    public static BpeModel Train(IEnumerable<string> corpus, int maxMerges, int minPairCount = 2, bool keepCapitalsApart = true)
    {
        var words = CountPreTokens(corpus).Select(p => (Symbols: p.Key.Select(c => c.ToString()).ToList(), Count: p.Value)).ToList();
        var symbols = Enumerable.Range(0, 256).Select(b => ByteLevelAlphabet.Encode([(byte)b])).ToList();
        var merges = new List<(string, string)>();
        while (merges.Count < maxMerges)
        {
            var best = MostFrequentPair(words, keepCapitalsApart);
            if (best is null || best.Value.Count < minPairCount) break;
            var (left, right) = best.Value.Pair;
            merges.Add((left, right));
            symbols.Add(left + right);
            foreach (var word in words) MergeInPlace(word.Symbols, left, right);
        }
        return new BpeModel(symbols, merges);
    }

    private static Dictionary<string, int> CountPreTokens(IEnumerable<string> corpus)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var text in corpus)
            foreach (Match match in Split.Matches(text))
            {
                var spelled = ByteLevelAlphabet.Encode(Encoding.UTF8.GetBytes(match.Value));
                counts[spelled] = counts.GetValueOrDefault(spelled) + 1;
            }
        return counts;
    }

    private static ((string, string) Pair, int Count)? MostFrequentPair(List<(List<string> Symbols, int Count)> words, bool keepCapitalsApart)
    {
        var counts = new Dictionary<(string, string), int>();
        foreach (var (symbols, count) in words)
            for (var i = 0; i + 1 < symbols.Count; i++)
            {
                if (keepCapitalsApart && SplitsCapitals(symbols[i], symbols[i + 1])) continue;
                counts[(symbols[i], symbols[i + 1])] = counts.GetValueOrDefault((symbols[i], symbols[i + 1])) + count;
            }
        if (counts.Count == 0) return null;
        var best = counts
            .OrderByDescending(p => p.Value)
            .ThenBy(p => p.Key.Item1, StringComparer.Ordinal)
            .ThenBy(p => p.Key.Item2, StringComparer.Ordinal)
            .First();
        return (best.Key, best.Value);
    }

    /// <summary>
    /// A capital joins nothing before it and only a lower-case letter after it: "What" and "The" still merge, while a
    /// word in capitals stays one token per letter, the quotes of a caption's <c>"STONE"</c> included.
    /// </summary>
    public static bool SplitsCapitals(string left, string right) =>
        char.IsAsciiLetterUpper(right[0]) || (char.IsAsciiLetterUpper(left[^1]) && !char.IsAsciiLetterLower(right[0]));

    private static void MergeInPlace(List<string> symbols, string left, string right)
    {
        for (var i = 0; i + 1 < symbols.Count; i++)
        {
            if (symbols[i] != left || symbols[i + 1] != right) continue;
            symbols[i] = left + right;
            symbols.RemoveAt(i + 1);
        }
    }
}
