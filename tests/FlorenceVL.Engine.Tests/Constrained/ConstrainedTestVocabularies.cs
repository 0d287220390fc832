using System.Text;
using FlorenceVL.Engine.Constrained;
using FlorenceVL.Engine.Processing.Text;

namespace FlorenceVL.Engine.Tests.Constrained;

internal static class ConstrainedTestVocabularies
{
    public const int ByteEos = 256;

    /// <summary>Ids 0-255 are the single bytes, 256 is EOS, then a few multi-byte tokens: every text can be spelled byte by byte.</summary>
    public static TokenVocabulary Bytes()
    {
        var tokens = Enumerable.Range(0, 256).Select(b => (byte[]?)[(byte)b]).ToList();
        tokens.Add(null);
        tokens.AddRange(((string[])["{\"", "\":", "\",\"", "true", "null", "é", "日本"]).Select(t => (byte[]?)Encoding.UTF8.GetBytes(t)));
        return new TokenVocabulary(tokens, [ByteEos]);
    }

    public static string RepositoryRoot
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FlorenceVL.Api.sln"))) directory = directory.Parent;
            return directory?.FullName ?? throw new DirectoryNotFoundException("Repository root not found.");
        }
    }

    public static ITextTokenizer Tokenizer(string name) => name switch
    {
        "bpe-fixture" => TokenizerLoader.FromModelDirectory(Path.Combine(AppContext.BaseDirectory, "Fixtures", "tokenizer-bpe")),
        "spm-fixture" => TokenizerLoader.FromModelDirectory(Path.Combine(AppContext.BaseDirectory, "Fixtures", "tokenizer-spm")),
        _ => TokenizerLoader.FromModelDirectory(Path.Combine(RepositoryRoot, "models", name)),
    };

    /// <summary>EOS for tokenizers that declare none: the fixtures' first special id, as a chat template's end token would be.</summary>
    public static TokenVocabulary FromTokenizer(ITextTokenizer tokenizer)
    {
        int[] extra = tokenizer.EosTokenId is null
            ? [Enumerable.Range(0, tokenizer.VocabSize).First(tokenizer.IsSpecialToken)]
            : [];
        return TokenVocabulary.FromTokenizer(tokenizer, extra);
    }
}
