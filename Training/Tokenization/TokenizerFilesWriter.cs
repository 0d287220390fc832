using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlorenceVL.Training.Tokenization;

/// <summary>
/// Writes a trained <see cref="BpeModel"/> as HF tokenizer files (tokenizer.json, tokenizer_config.json) in the
/// Llama-3 byte-level layout the Engine's <c>TokenizerLoader</c> reads. Added tokens follow the BPE symbols.
/// </summary>
public static class TokenizerFilesWriter
{
    public static IReadOnlyDictionary<string, int> Write(string directory, BpeModel model, IReadOnlyList<string> addedTokens, string eosToken)
    {
        var vocab = new JsonObject();
        for (var id = 0; id < model.Symbols.Count; id++) vocab[model.Symbols[id]] = id;
        var added = addedTokens.Select((token, i) => (Token: token, Id: model.Symbols.Count + i)).ToList();
        var tokenizer = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray(added.Select(a => (JsonNode)AddedToken(a.Token, a.Id)).ToArray()),
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "Sequence",
                ["pretokenizers"] = new JsonArray(
                    new JsonObject { ["type"] = "Split", ["pattern"] = new JsonObject { ["Regex"] = BpeTrainer.SplitPattern }, ["behavior"] = "Isolated", ["invert"] = false },
                    new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = false }),
            },
            ["post_processor"] = null,
            ["decoder"] = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = true, ["trim_offsets"] = true, ["use_regex"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "BPE",
                ["dropout"] = null,
                ["unk_token"] = null,
                ["continuing_subword_prefix"] = null,
                ["end_of_word_suffix"] = null,
                ["fuse_unk"] = false,
                ["byte_fallback"] = false,
                ["ignore_merges"] = true,
                ["vocab"] = vocab,
                ["merges"] = new JsonArray(model.Merges.Select(m => (JsonNode)new JsonArray(m.Left, m.Right)).ToArray()),
            },
        };
        var decoder = new JsonObject();
        foreach (var (token, id) in added) decoder[id.ToString(System.Globalization.CultureInfo.InvariantCulture)] = AddedToken(token, id);
        var config = new JsonObject
        {
            ["tokenizer_class"] = "PreTrainedTokenizerFast",
            ["eos_token"] = eosToken,
            ["pad_token"] = eosToken,
            ["add_bos_token"] = false,
            ["add_eos_token"] = false,
            ["model_max_length"] = 2048,
            ["added_tokens_decoder"] = decoder,
        };
        Directory.CreateDirectory(directory);
        var options = new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        File.WriteAllText(Path.Combine(directory, "tokenizer.json"), tokenizer.ToJsonString(options));
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"), config.ToJsonString(options));
        return added.ToDictionary(a => a.Token, a => a.Id);
    }

    private static JsonObject AddedToken(string content, int id) => new()
    {
        ["id"] = id,
        ["content"] = content,
        ["single_word"] = false,
        ["lstrip"] = false,
        ["rstrip"] = false,
        ["normalized"] = false,
        ["special"] = true,
    };
}
