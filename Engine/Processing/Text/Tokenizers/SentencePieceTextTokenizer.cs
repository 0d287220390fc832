using System.Globalization;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace FlorenceVL.Engine.Processing.Text;

/// <summary>
/// Phi-3.5 style tokenizer: a SentencePiece BPE model (byte fallback, dummy prefix) plus the checkpoint's added
/// tokens. Added tokens are cut out first; only the text at the very start of a chunk gets the dummy prefix,
/// which is what HF's non-legacy Llama tokenizer does after special tokens.
/// </summary>
public sealed class SentencePieceTextTokenizer : ITextTokenizer
{
    private const char SpaceMarker = '\u2581';

    private readonly SentencePieceTokenizer _model;
    private readonly AddedTokenSplitter _splitter;
    private readonly Dictionary<string, int> _tokenToId;
    private readonly Dictionary<int, string> _idToToken;
    private readonly Dictionary<int, AddedToken> _added;
    private readonly HashSet<int> _specialIds;
    private readonly byte[]?[] _pieceBytes;

    internal SentencePieceTextTokenizer(SentencePieceTokenizer model, IReadOnlyList<AddedToken> addedTokens, string? bosToken, string? eosToken)
    {
        _model = model;
        _splitter = new AddedTokenSplitter(addedTokens);
        _tokenToId = new Dictionary<string, int>(model.Vocabulary, StringComparer.Ordinal);
        _added = addedTokens.ToDictionary(t => t.Id);
        foreach (var token in addedTokens) _tokenToId[token.Content] = token.Id;
        _idToToken = _tokenToId.GroupBy(p => p.Value).ToDictionary(g => g.Key, g => g.First().Key);
        VocabSize = _idToToken.Keys.Max() + 1;
        BosTokenId = bosToken is null ? model.BeginningOfSentenceId : TokenToId(bosToken);
        EosTokenId = eosToken is null ? model.EndOfSentenceId : TokenToId(eosToken);
        _specialIds = [model.BeginningOfSentenceId, model.EndOfSentenceId, model.UnknownId];
        foreach (var token in addedTokens.Where(t => t.Special)) _specialIds.Add(token.Id);
        _pieceBytes = new byte[VocabSize][];
    }

    public int VocabSize { get; }

    public int? BosTokenId { get; }

    public int? EosTokenId { get; }

    public bool DropsLeadingSpaceOfFirstToken => _model.AddDummyPrefix;

    public IReadOnlyList<int> Encode(string text, bool addBeginningOfSentence = false) =>
        EncodeChunk(text, addBeginningOfSentence, startsChunk: true);

    public IReadOnlyList<int> EncodeContinuation(string text) =>
        EncodeChunk(text, addBeginningOfSentence: false, startsChunk: false);

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false) =>
        TokenBytesDecoder.Decode(this, ids, skipSpecialTokens);

    public int? TokenToId(string token) => _tokenToId.TryGetValue(token, out var id) ? id : null;

    public string? IdToToken(int id) => _idToToken.GetValueOrDefault(id);

    public bool IsSpecialToken(int id) => _specialIds.Contains(id);

    public ReadOnlySpan<byte> TokenBytes(int id, bool skipSpecialTokens)
    {
        if (skipSpecialTokens && IsSpecialToken(id)) return [];
        if ((uint)id >= (uint)_pieceBytes.Length) throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id is outside the vocabulary (size {VocabSize}).");
        return _pieceBytes[id] ??= PieceBytes(id);
    }

    private List<int> EncodeChunk(string text, bool addBeginningOfSentence, bool startsChunk)
    {
        var ids = new List<int>();
        if (addBeginningOfSentence && BosTokenId is int bos) ids.Add(bos);
        var atChunkStart = startsChunk;
        foreach (var piece in _splitter.Split(text))
        {
            if (piece is AddedTokenMatch match) ids.Add(match.Token.Id);
            else if (piece is OrdinaryText ordinary) ids.AddRange(EncodeOrdinary(ordinary.Text, atChunkStart));
            atChunkStart = false;
        }
        return ids;
    }

    private IReadOnlyList<int> EncodeOrdinary(string text, bool withDummyPrefix)
    {
        // Normalising here (identity normaliser: escape spaces, optional dummy prefix) is what lets a
        // continuation skip the prefix; the library would otherwise add it to every call.
        var escaped = text.Replace(' ', SpaceMarker);
        if (withDummyPrefix && _model.AddDummyPrefix) escaped = SpaceMarker + escaped;
        return _model.EncodeToIds(escaped, addBeginningOfSentence: false, addEndOfSentence: false,
            considerPreTokenization: false, considerNormalization: false);
    }

    private byte[] PieceBytes(int id)
    {
        if (_added.TryGetValue(id, out var added)) return Encoding.UTF8.GetBytes(added.Content);
        var piece = IdToToken(id) ?? throw new ArgumentOutOfRangeException(nameof(id), id, "Token id has no piece in the vocabulary.");
        if (id == _model.UnknownId) return Encoding.UTF8.GetBytes(piece);
        if (id == _model.BeginningOfSentenceId || id == _model.EndOfSentenceId) return Encoding.UTF8.GetBytes(piece);
        if (IsByteFallbackPiece(piece, out var value)) return [value];
        return Encoding.UTF8.GetBytes(piece.Replace(SpaceMarker, ' '));
    }

    private static bool IsByteFallbackPiece(string piece, out byte value)
    {
        value = 0;
        return piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal) && piece[5] == '>'
            && byte.TryParse(piece.AsSpan(3, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out value);
    }
}
