using System.Text.Json;

namespace FlorenceVL.Engine.Processing.Text;

/// <summary>The byte-level BPE model section of an HF tokenizer.json, plus its split regex.</summary>
internal sealed record HfBpeModel(
    IReadOnlyDictionary<string, int> Vocab,
    IReadOnlyList<string> Merges,
    bool IgnoreMerges,
    string SplitPattern)
{
    public static HfBpeModel Read(JsonDocument tokenizerJson, string path)
    {
        var root = tokenizerJson.RootElement;
        if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
            throw new TokenizerLoadException($"'{path}' has no \"model\" section.");
        var type = model.TryGetProperty("type", out var typeElement) ? typeElement.GetString() : null;
        if (type != "BPE")
            throw new TokenizerLoadException($"'{path}' holds a '{type ?? "(untyped)"}' model; only byte-level BPE is supported without a tokenizer.model.");
        return new HfBpeModel(
            ReadVocab(model, path),
            ReadMerges(model, path),
            model.TryGetProperty("ignore_merges", out var ignore) && ignore.ValueKind == JsonValueKind.True,
            FindSplitPattern(root.TryGetProperty("pre_tokenizer", out var preTokenizer) ? preTokenizer : default)
                ?? throw new TokenizerLoadException($"'{path}' has no Split regex in \"pre_tokenizer\"; expected the Llama-3 style byte-level pre-tokenizer."));
    }

    private static Dictionary<string, int> ReadVocab(JsonElement model, string path)
    {
        if (!model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object)
            throw new TokenizerLoadException($"'{path}' has no \"model.vocab\" object.");
        return vocab.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal);
    }

    /// <summary>Merges come as "a b" strings (older files) or as [a, b] pairs (tokenizers 0.20+).</summary>
    private static List<string> ReadMerges(JsonElement model, string path)
    {
        if (!model.TryGetProperty("merges", out var merges) || merges.ValueKind != JsonValueKind.Array)
            throw new TokenizerLoadException($"'{path}' has no \"model.merges\" array.");
        var result = new List<string>(merges.GetArrayLength());
        foreach (var merge in merges.EnumerateArray())
        {
            result.Add(merge.ValueKind switch
            {
                JsonValueKind.String => merge.GetString()!,
                JsonValueKind.Array when merge.GetArrayLength() == 2 => $"{merge[0].GetString()} {merge[1].GetString()}",
                _ => throw new TokenizerLoadException($"'{path}' has a merge that is neither \"a b\" nor [a, b]: {merge.GetRawText()}"),
            });
        }
        return result;
    }

    private static string? FindSplitPattern(JsonElement preTokenizer)
    {
        if (preTokenizer.ValueKind != JsonValueKind.Object) return null;
        if (preTokenizer.TryGetProperty("type", out var type) && type.GetString() == "Split"
            && preTokenizer.TryGetProperty("pattern", out var pattern) && pattern.TryGetProperty("Regex", out var regex))
            return regex.GetString();
        if (!preTokenizer.TryGetProperty("pretokenizers", out var children) || children.ValueKind != JsonValueKind.Array) return null;
        return children.EnumerateArray().Select(FindSplitPattern).FirstOrDefault(p => p is not null);
    }
}
