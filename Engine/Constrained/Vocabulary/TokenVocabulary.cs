using FlorenceVL.Engine.Processing.Text;

namespace FlorenceVL.Engine.Constrained;

/// <summary>
/// What the grammar needs to know of a tokenizer: each id's raw bytes, and which ids end a sequence. Special
/// (control) tokens never carry grammar text: the EOS ids are allowed only where the grammar may end, the rest
/// never. <see cref="VocabSize"/> may exceed the tokenizer (checkpoints pad the embedding matrix); padding ids
/// are never allowed.
/// </summary>
public sealed class TokenVocabulary
{
    private readonly byte[]?[] _textBytes;

    /// <param name="textBytes">Per id, the bytes the token adds to the text; null for special or unused ids.</param>
    public TokenVocabulary(IReadOnlyList<byte[]?> textBytes, IEnumerable<int> eosIds, int? vocabSize = null)
    {
        VocabSize = vocabSize ?? textBytes.Count;
        if (VocabSize < textBytes.Count) throw new ArgumentOutOfRangeException(nameof(vocabSize), "The vocabulary is larger than vocabSize.");
        _textBytes = [.. textBytes];
        EosIds = eosIds.ToHashSet();
        if (EosIds.Count == 0) throw new ArgumentException("A constrained sequence needs at least one EOS id to end.", nameof(eosIds));
        if (EosIds.Any(id => id < 0 || id >= VocabSize)) throw new ArgumentOutOfRangeException(nameof(eosIds), "EOS id outside the vocabulary.");
        Trie = TokenTrie.Build(_textBytes);
    }

    public int VocabSize { get; }

    /// <summary>uint words per mask row: ceil(VocabSize / 32).</summary>
    public int MaskWords => (VocabSize + 31) / 32;

    public IReadOnlySet<int> EosIds { get; }

    internal TokenTrie Trie { get; }

    /// <summary>The bytes of a text token; null for special, EOS and unused ids.</summary>
    public ReadOnlySpan<byte> TextBytes(int id) => (uint)id < (uint)_textBytes.Length ? _textBytes[id] : null;

    public bool IsTextToken(int id) => (uint)id < (uint)_textBytes.Length && _textBytes[id] is { Length: > 0 };

    /// <summary>
    /// From one of the project's tokenizers, byte-level BPE or SentencePiece alike: <see cref="ITextTokenizer.TokenBytes"/>
    /// already maps '▁' to a space and &lt;0xNN&gt; pieces to their byte. EOS is the tokenizer's plus <paramref name="extraEosIds"/>
    /// (a chat template's end-of-turn token, e.g. Phi's &lt;|end|&gt;).
    /// </summary>
    public static TokenVocabulary FromTokenizer(ITextTokenizer tokenizer, IEnumerable<int>? extraEosIds = null, int? vocabSize = null)
    {
        var textBytes = new byte[]?[tokenizer.VocabSize];
        for (var id = 0; id < tokenizer.VocabSize; id++)
        {
            if (tokenizer.IsSpecialToken(id) || !tokenizer.IsKnownId(id)) continue;
            textBytes[id] = tokenizer.TokenBytes(id, skipSpecialTokens: false).ToArray();
        }
        var eos = (extraEosIds ?? []).Concat(tokenizer.EosTokenId is int id2 ? [id2] : []).ToHashSet();
        foreach (var id in eos.Where(i => i < textBytes.Length)) textBytes[id] = null;
        return new TokenVocabulary(textBytes, eos, vocabSize);
    }
}
