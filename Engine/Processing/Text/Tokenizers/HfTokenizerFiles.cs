using System.Text.Json;

namespace FlorenceVL.Engine.Processing.Text;

/// <summary>Reads the parts of HF's tokenizer.json / tokenizer_config.json that both tokenizer kinds share.</summary>
internal static class HfTokenizerFiles
{
    public const string TokenizerJson = "tokenizer.json";
    public const string TokenizerConfigJson = "tokenizer_config.json";
    public const string SentencePieceModel = "tokenizer.model";

    public static JsonDocument? TryReadJson(string directory, string fileName)
    {
        var path = Path.Combine(directory, fileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw new TokenizerLoadException($"Cannot read tokenizer file '{path}': {e.Message}", e);
        }
    }

    /// <summary>Added tokens from tokenizer.json's "added_tokens" and tokenizer_config.json's "added_tokens_decoder"; the config wins on conflicts.</summary>
    public static IReadOnlyList<AddedToken> ReadAddedTokens(JsonDocument? tokenizerJson, JsonDocument? tokenizerConfig)
    {
        var byId = new SortedDictionary<int, AddedToken>();
        if (tokenizerJson is not null
            && tokenizerJson.RootElement.TryGetProperty("added_tokens", out var list)
            && list.ValueKind == JsonValueKind.Array)
        {
            foreach (var entry in list.EnumerateArray())
            {
                var id = entry.GetProperty("id").GetInt32();
                byId[id] = ReadAddedToken(entry, id);
            }
        }
        if (tokenizerConfig is not null
            && tokenizerConfig.RootElement.TryGetProperty("added_tokens_decoder", out var decoder)
            && decoder.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in decoder.EnumerateObject())
            {
                var id = int.Parse(property.Name, System.Globalization.CultureInfo.InvariantCulture);
                byId[id] = ReadAddedToken(property.Value, id);
            }
        }
        return byId.Values.ToList();
    }

    /// <summary>"bos_token"/"eos_token" of tokenizer_config.json, written either as a string or as {"content": ...}.</summary>
    public static string? ReadNamedToken(JsonDocument? tokenizerConfig, string key)
    {
        if (tokenizerConfig is null || !tokenizerConfig.RootElement.TryGetProperty(key, out var value)) return null;
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object when value.TryGetProperty("content", out var content) => content.GetString(),
            _ => null,
        };
    }

    private static AddedToken ReadAddedToken(JsonElement entry, int id) => new(
        Content: entry.GetProperty("content").GetString() ?? "",
        Id: id,
        Special: Flag(entry, "special"),
        LStrip: Flag(entry, "lstrip"),
        RStrip: Flag(entry, "rstrip"));

    private static bool Flag(JsonElement entry, string name) =>
        entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
}
