using System.Text.Json.Nodes;
using FlorenceVL.Engine.Processing.Text;

namespace FlorenceVL.Engine.Tests.Processing.Text;

public class TokenizerLoaderTests
{
    [Fact]
    public void A_folder_with_tokenizer_model_gets_the_sentencepiece_tokenizer()
    {
        Assert.IsType<SentencePieceTextTokenizer>(TokenizerLoader.FromModelDirectory(TokenizerFixtures.SpmDirectory));
    }

    [Fact]
    public void A_folder_with_only_tokenizer_json_gets_the_byte_level_bpe_tokenizer()
    {
        Assert.IsType<ByteLevelBpeTextTokenizer>(TokenizerLoader.FromModelDirectory(TokenizerFixtures.BpeDirectory));
    }

    [Fact]
    public void A_missing_folder_is_a_load_error_naming_the_folder()
    {
        var missing = Path.Combine(Path.GetTempPath(), "florencevl-no-such-folder");
        var error = Assert.Throws<TokenizerLoadException>(() => TokenizerLoader.FromModelDirectory(missing));
        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void A_folder_without_tokenizer_files_is_a_load_error_naming_both_files()
    {
        var empty = Directory.CreateTempSubdirectory("florencevl-empty-").FullName;
        var error = Assert.Throws<TokenizerLoadException>(() => TokenizerLoader.FromModelDirectory(empty));
        Assert.Contains("tokenizer.model", error.Message);
        Assert.Contains("tokenizer.json", error.Message);
    }

    [Theory]
    [InlineData("tokenizer.model", "not a protobuf \u0001\u0002")]
    [InlineData("tokenizer.json", "{ \"model\": ")]
    [InlineData("tokenizer.json", "{ \"model\": { \"type\": \"Unigram\", \"vocab\": [] } }")]
    public void An_unreadable_tokenizer_file_is_a_load_error_naming_the_file(string fileName, string content)
    {
        var folder = Directory.CreateTempSubdirectory("florencevl-broken-").FullName;
        File.WriteAllText(Path.Combine(folder, fileName), content);
        var error = Assert.Throws<TokenizerLoadException>(() => TokenizerLoader.FromModelDirectory(folder));
        Assert.Contains(Path.Combine(folder, fileName), error.Message);
    }

    [Fact]
    public void Merges_written_as_pairs_give_the_same_ids_as_merges_written_as_strings()
    {
        var folder = Directory.CreateTempSubdirectory("florencevl-pair-merges-").FullName;
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(TokenizerFixtures.BpeDirectory, "tokenizer.json")))!;
        var merges = json["model"]!["merges"]!.AsArray();
        var asStrings = new JsonArray(merges.Select(m => (JsonNode)JsonValue.Create($"{m![0]} {m[1]}")).ToArray());
        json["model"]!["merges"] = asStrings;
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), json.ToJsonString());
        var fromStrings = TokenizerLoader.FromModelDirectory(folder);
        var fromPairs = TokenizerFixtures.Bpe();

        Assert.All(TokenizerFixtures.Cases(TokenizerFixtures.BpeDirectory),
            c => Assert.Equal(c.Ids, fromStrings.Encode(c.Text)));
        Assert.Equal(fromPairs.VocabSize, fromStrings.VocabSize);
    }
}

public class SentencePieceAddedTokenTests
{
    [Fact]
    public void Chat_tokens_declared_in_tokenizer_config_map_to_their_single_ids()
    {
        var tokenizer = TokenizerFixtures.PhiStyle();
        var ids = tokenizer.Encode("<|user|>x<|end|><|assistant|>");

        Assert.Equal([1010, 374, 1007, 1001], ids);
        Assert.Equal("<|user|>x<|end|><|assistant|>", tokenizer.Decode(ids));
        Assert.Equal("x", tokenizer.Decode(ids, skipSpecialTokens: true));
    }

    [Fact]
    public void Bos_and_eos_come_from_tokenizer_config_and_bos_is_added_only_when_asked()
    {
        var tokenizer = TokenizerFixtures.PhiStyle();

        Assert.Equal(tokenizer.TokenToId("<s>"), tokenizer.BosTokenId);
        Assert.Equal(1000, tokenizer.EosTokenId);
        Assert.Equal([351, 374], tokenizer.Encode("x"));
        Assert.Equal([tokenizer.BosTokenId!.Value, 351, 374], tokenizer.Encode("x", addBeginningOfSentence: true));
        Assert.Equal(1011, tokenizer.VocabSize);
    }

    [Fact]
    public void Only_text_that_starts_a_chunk_gets_the_dummy_prefix()
    {
        var tokenizer = TokenizerFixtures.PhiStyle();

        Assert.Equal([351, 374], tokenizer.Encode("x"));
        Assert.Equal([374], tokenizer.EncodeContinuation("x"));
        // 383 is the fixture vocabulary's newline piece (the code case ends with it).
        Assert.Equal([1010, 383, 374], tokenizer.Encode("<|user|>\nx"));
    }

    [Fact]
    public void An_added_token_with_rstrip_swallows_the_whitespace_after_it()
    {
        var tokenizer = TokenizerFixtures.PhiStyle(rstripChatTokens: true);

        Assert.Equal([1010, 374], tokenizer.Encode("<|user|>\n x"));
    }
}
