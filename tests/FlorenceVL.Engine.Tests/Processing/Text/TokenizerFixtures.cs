using System.Text.Json;
using FlorenceVL.Engine.Processing.Text;

namespace FlorenceVL.Engine.Tests.Processing.Text;

public sealed record TokenizerCase(string Text, int[] Ids);

/// <summary>The parity fixtures (reference ids) and tokenizer folders built from them for chat-style tests.</summary>
internal static class TokenizerFixtures
{
    public static string SpmDirectory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "tokenizer-spm");

    public static string BpeDirectory => Path.Combine(AppContext.BaseDirectory, "Fixtures", "tokenizer-bpe");

    public static IReadOnlyList<TokenizerCase> Cases(string directory)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(directory, "cases.json")));
        return document.RootElement.GetProperty("cases").EnumerateArray()
            .Select(c => new TokenizerCase(
                c.GetProperty("text").GetString()!,
                c.GetProperty("ids").EnumerateArray().Select(i => i.GetInt32()).ToArray()))
            .ToList();
    }

    public static TheoryData<int> CaseIndices(string directory) => new(Enumerable.Range(0, Cases(directory).Count));

    public static readonly string[] PhiChatTokens =
        ["<|endoftext|>", "<|assistant|>", "<|placeholder1|>", "<|placeholder2|>", "<|placeholder3|>",
         "<|placeholder4|>", "<|system|>", "<|end|>", "<|placeholder5|>", "<|placeholder6|>", "<|user|>"];

    /// <summary>First id of the Phi chat tokens in the test folder: past the tiny fixture vocabulary, like 32000 is past Phi's.</summary>
    public const int PhiFirstAddedId = 1000;

    /// <summary>
    /// A Phi-3.5 style folder: the fixture tokenizer.model plus a tokenizer_config.json declaring the chat tokens
    /// (ids from 1000, "<|endoftext|>" as EOS), with the given rstrip flag on the chat tokens.
    /// </summary>
    public static string CreatePhiStyleDirectory(bool rstripChatTokens)
    {
        var directory = Directory.CreateTempSubdirectory("florencevl-phi-tokenizer-").FullName;
        File.Copy(Path.Combine(SpmDirectory, "tokenizer.model"), Path.Combine(directory, "tokenizer.model"));
        var decoder = PhiChatTokens.Select((content, i) => new KeyValuePair<string, object>(
            (PhiFirstAddedId + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
            new { content, lstrip = false, normalized = false, rstrip = rstripChatTokens && i > 0, single_word = false, special = true }));
        var config = new Dictionary<string, object>
        {
            ["add_bos_token"] = false,
            ["bos_token"] = "<s>",
            ["eos_token"] = "<|endoftext|>",
            ["added_tokens_decoder"] = decoder.ToDictionary(p => p.Key, p => p.Value),
        };
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), JsonSerializer.Serialize(config));
        return directory;
    }

    public static ITextTokenizer PhiStyle(bool rstripChatTokens = false) =>
        TokenizerLoader.FromModelDirectory(CreatePhiStyleDirectory(rstripChatTokens));

    public static ITextTokenizer Spm() => TokenizerLoader.FromModelDirectory(SpmDirectory);

    public static ITextTokenizer Bpe() => TokenizerLoader.FromModelDirectory(BpeDirectory);
}
