using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace FlorenceVL.Engine.Processing.Text;

/// <summary>Picks the tokenizer from what the checkpoint folder holds: tokenizer.model (SentencePiece) first, else tokenizer.json (byte-level BPE).</summary>
public static class TokenizerLoader
{
    public static ITextTokenizer FromModelDirectory(string directory)
    {
        if (!Directory.Exists(directory))
            throw new TokenizerLoadException($"Tokenizer folder '{directory}' does not exist.");
        using var tokenizerJson = HfTokenizerFiles.TryReadJson(directory, HfTokenizerFiles.TokenizerJson);
        using var tokenizerConfig = HfTokenizerFiles.TryReadJson(directory, HfTokenizerFiles.TokenizerConfigJson);
        var added = HfTokenizerFiles.ReadAddedTokens(tokenizerJson, tokenizerConfig);
        var bos = HfTokenizerFiles.ReadNamedToken(tokenizerConfig, "bos_token");
        var eos = HfTokenizerFiles.ReadNamedToken(tokenizerConfig, "eos_token");

        var spmPath = Path.Combine(directory, HfTokenizerFiles.SentencePieceModel);
        if (File.Exists(spmPath)) return new SentencePieceTextTokenizer(LoadSentencePiece(spmPath), added, bos, eos);
        if (tokenizerJson is not null)
        {
            var jsonPath = Path.Combine(directory, HfTokenizerFiles.TokenizerJson);
            try
            {
                return new ByteLevelBpeTextTokenizer(HfBpeModel.Read(tokenizerJson, jsonPath), added, bos, eos);
            }
            catch (Exception e) when (e is not TokenizerLoadException)
            {
                throw new TokenizerLoadException($"Cannot read byte-level BPE tokenizer '{jsonPath}': {e.Message}", e);
            }
        }
        throw new TokenizerLoadException(
            $"Tokenizer folder '{directory}' has neither '{HfTokenizerFiles.SentencePieceModel}' nor '{HfTokenizerFiles.TokenizerJson}'.");
    }

    private static SentencePieceTokenizer LoadSentencePiece(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return LlamaTokenizer.Create(stream, addBeginOfSentence: false, addEndOfSentence: false);
        }
        catch (Exception e) when (e is not TokenizerLoadException)
        {
            throw new TokenizerLoadException($"Cannot read SentencePiece model '{path}': {e.Message}", e);
        }
    }
}
