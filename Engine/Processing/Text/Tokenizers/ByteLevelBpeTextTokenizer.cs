using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace FlorenceVL.Engine.Processing.Text;

/// <summary>
/// Llama-3 style tokenizer from an HF tokenizer.json: added tokens cut out first, then the split regex, then
/// byte-level BPE. With "ignore_merges" a pre-token that is itself in the vocabulary is taken whole, as HF does.
/// </summary>
public sealed class ByteLevelBpeTextTokenizer : ITextTokenizer
{
    private readonly BpeTokenizer _bpe;
    private readonly Regex _split;
    private readonly bool _ignoreMerges;
    private readonly IReadOnlyDictionary<string, int> _vocab;
    private readonly AddedTokenSplitter _splitter;
    private readonly Dictionary<string, int> _tokenToId;
    private readonly Dictionary<int, string> _idToToken;
    private readonly Dictionary<int, byte[]> _tokenBytes;
    private readonly HashSet<int> _specialIds;

    internal ByteLevelBpeTextTokenizer(HfBpeModel model, IReadOnlyList<AddedToken> addedTokens, string? bosToken, string? eosToken)
    {
        _vocab = model.Vocab;
        _split = new Regex(model.SplitPattern, RegexOptions.CultureInvariant);
        _ignoreMerges = model.IgnoreMerges;
        _bpe = BpeTokenizer.Create(new BpeOptions(model.Vocab)
        {
            Merges = model.Merges,
            ByteLevel = true,
            // The split is done here (to honour ignore_merges), so the library sees one pre-token at a time.
            PreTokenizer = new RegexPreTokenizer(new Regex("(?s).+"), null),
        });
        _splitter = new AddedTokenSplitter(addedTokens);
        _tokenToId = new Dictionary<string, int>(model.Vocab, StringComparer.Ordinal);
        foreach (var token in addedTokens) _tokenToId[token.Content] = token.Id;
        _idToToken = _tokenToId.GroupBy(p => p.Value).ToDictionary(g => g.Key, g => g.First().Key);
        _tokenBytes = BuildTokenBytes(model.Vocab, addedTokens);
        _specialIds = addedTokens.Where(t => t.Special).Select(t => t.Id).ToHashSet();
        VocabSize = _idToToken.Keys.Max() + 1;
        BosTokenId = bosToken is null ? null : TokenToId(bosToken);
        EosTokenId = eosToken is null ? null : TokenToId(eosToken);
    }

    public int VocabSize { get; }

    public int? BosTokenId { get; }

    public int? EosTokenId { get; }

    public bool DropsLeadingSpaceOfFirstToken => false;

    public IReadOnlyList<int> Encode(string text, bool addBeginningOfSentence = false)
    {
        var ids = new List<int>();
        if (addBeginningOfSentence && BosTokenId is int bos) ids.Add(bos);
        foreach (var piece in _splitter.Split(text))
        {
            if (piece is AddedTokenMatch match) ids.Add(match.Token.Id);
            else if (piece is OrdinaryText ordinary) EncodeOrdinary(ordinary.Text, ids);
        }
        return ids;
    }

    // Byte-level BPE has no dummy prefix: a continuation encodes exactly like a fresh chunk.
    public IReadOnlyList<int> EncodeContinuation(string text) => Encode(text);

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false) =>
        TokenBytesDecoder.Decode(this, ids, skipSpecialTokens);

    public int? TokenToId(string token) => _tokenToId.TryGetValue(token, out var id) ? id : null;

    public string? IdToToken(int id) => _idToToken.GetValueOrDefault(id);

    public bool IsSpecialToken(int id) => _specialIds.Contains(id);

    public ReadOnlySpan<byte> TokenBytes(int id, bool skipSpecialTokens)
    {
        if (skipSpecialTokens && IsSpecialToken(id)) return [];
        return _tokenBytes.TryGetValue(id, out var bytes)
            ? bytes
            : throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id is outside the vocabulary (size {VocabSize}).");
    }

    private void EncodeOrdinary(string text, List<int> ids)
    {
        foreach (Match preToken in _split.Matches(text))
        {
            if (_ignoreMerges && _vocab.TryGetValue(ByteLevelAlphabet.Encode(Encoding.UTF8.GetBytes(preToken.Value)), out var whole))
                ids.Add(whole);
            else
                ids.AddRange(_bpe.EncodeToIds(preToken.Value));
        }
    }

    private static Dictionary<int, byte[]> BuildTokenBytes(IReadOnlyDictionary<string, int> vocab, IReadOnlyList<AddedToken> addedTokens)
    {
        var table = new Dictionary<int, byte[]>();
        foreach (var (token, id) in vocab)
            table[id] = ByteLevelAlphabet.Decode(token) ?? Encoding.UTF8.GetBytes(token);
        foreach (var token in addedTokens) table[token.Id] = Encoding.UTF8.GetBytes(token.Content);
        return table;
    }
}
