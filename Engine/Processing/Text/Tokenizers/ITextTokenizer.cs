namespace FlorenceVL.Engine.Processing.Text;

/// <summary>
/// The model's text tokenizer: ordinary text plus the checkpoint's added (special) tokens, which always map to
/// their single ids when they appear in the text.
/// </summary>
public interface ITextTokenizer
{
    int VocabSize { get; }

    int? BosTokenId { get; }

    int? EosTokenId { get; }

    /// <summary>Encodes a text as a fresh chunk (SentencePiece adds its dummy prefix); no BOS unless asked.</summary>
    IReadOnlyList<int> Encode(string text, bool addBeginningOfSentence = false);

    /// <summary>
    /// Encodes text that continues an earlier chunk, so no SentencePiece dummy prefix is added. Lets the chat
    /// template tokenize a conversation piecewise (for loss masks) and still get the ids of one whole encode.
    /// </summary>
    IReadOnlyList<int> EncodeContinuation(string text);

    string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false);

    int? TokenToId(string token);

    string? IdToToken(int id);

    /// <summary>True for added tokens marked special and for BOS/EOS/UNK: the ids Decode skips when asked.</summary>
    bool IsSpecialToken(int id);

    /// <summary>
    /// Raw bytes this token contributes to the decoded text, before UTF-8 decoding (byte-fallback and byte-level
    /// tokens can hold part of a character). Empty for a skipped special token.
    /// </summary>
    ReadOnlySpan<byte> TokenBytes(int id, bool skipSpecialTokens);

    /// <summary>SentencePiece drops the space its dummy prefix put before the first decoded piece.</summary>
    bool DropsLeadingSpaceOfFirstToken { get; }

    /// <summary>
    /// Whether <paramref name="id"/> decodes to something. Checkpoints often pad the embedding matrix past the
    /// tokenizer (Phi-3.5: 32064 rows, 32011 tokens); the engine never samples the padding ids.
    /// </summary>
    bool IsKnownId(int id) => id >= 0 && id < VocabSize && IdToToken(id) is not null;
}
