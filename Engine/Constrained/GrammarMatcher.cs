namespace FlorenceVL.Engine.Constrained;

/// <summary>
/// One sequence's position in its grammar, at token granularity: fill a mask row of the tokens allowed next,
/// accept the sampled token, roll back on preemption, clone for n &gt; 1 choices. The state and its history are
/// persistent structures, so <see cref="Clone"/> and <see cref="RollBack"/> are O(1) and O(tokens rolled back).
/// Not thread-safe: one matcher belongs to one sequence on the engine thread.
/// </summary>
public sealed class GrammarMatcher
{
    private readonly CompiledGrammar _grammar;
    private readonly TokenVocabulary _vocabulary;
    private readonly List<FrameStack> _scratch = [];
    private History _history;

    internal GrammarMatcher(CompiledGrammar grammar, TokenVocabulary vocabulary)
        : this(grammar, vocabulary, new History(ParseState.Start(grammar.Root), IsFinished: false, Previous: null, NumTokens: 0))
    {
    }

    private GrammarMatcher(CompiledGrammar grammar, TokenVocabulary vocabulary, History history)
    {
        _grammar = grammar;
        _vocabulary = vocabulary;
        _history = history;
    }

    public TokenVocabulary Vocabulary => _vocabulary;

    /// <summary>The text so far is a complete document: EOS is allowed.</summary>
    public bool IsAccepting => _history.State.IsAccepting;

    /// <summary>An EOS token was accepted: the sequence is done.</summary>
    public bool IsFinished => _history.IsFinished;

    /// <summary>Tokens accepted so far (EOS included), i.e. how far <see cref="RollBack"/> can go.</summary>
    public int NumAcceptedTokens => _history.NumTokens;

    /// <summary>
    /// Advances by one sampled token. Returns false, and changes nothing, when the grammar does not allow it
    /// (a special token other than EOS, EOS before the document is complete, text the grammar refuses).
    /// </summary>
    public bool Accept(int tokenId)
    {
        if (IsFinished) return false;
        if (_vocabulary.EosIds.Contains(tokenId))
        {
            if (!IsAccepting) return false;
            _history = new History(_history.State, IsFinished: true, _history, _history.NumTokens + 1);
            return true;
        }
        if (!_vocabulary.IsTextToken(tokenId)) return false;
        var next = _history.State.Advance(_vocabulary.TextBytes(tokenId), _grammar.Context, _scratch);
        if (next is null) return false;
        _history = new History(next, IsFinished: false, _history, _history.NumTokens + 1);
        return true;
    }

    /// <summary>Whether <paramref name="tokenId"/> would be accepted now; changes nothing.</summary>
    public bool IsAllowed(int tokenId)
    {
        if (IsFinished) return false;
        if (_vocabulary.EosIds.Contains(tokenId)) return IsAccepting;
        return _vocabulary.IsTextToken(tokenId)
            && _history.State.Advance(_vocabulary.TextBytes(tokenId), _grammar.Context, _scratch) is not null;
    }

    /// <summary>Undoes the last <paramref name="numTokens"/> accepted tokens (preemption with recompute, rejected draft tokens).</summary>
    public void RollBack(int numTokens)
    {
        if (numTokens < 0 || numTokens > NumAcceptedTokens)
            throw new ArgumentOutOfRangeException(nameof(numTokens), numTokens, $"Can roll back 0..{NumAcceptedTokens} tokens.");
        for (var i = 0; i < numTokens; i++) _history = _history.Previous!;
    }

    /// <summary>An independent matcher at the same position (n &gt; 1 choices fork from one prompt).</summary>
    public GrammarMatcher Clone() => new(_grammar, _vocabulary, _history);

    /// <summary>
    /// Writes the allowed-token bitmask: bit (id % 32) of word (id / 32) is set when id may come next.
    /// <paramref name="row"/> must hold at least <see cref="TokenVocabulary.MaskWords"/> words (one row of the
    /// batch's packed mask); words past that are left alone. After EOS, nothing is allowed.
    /// </summary>
    public void FillMask(Span<uint> row)
    {
        if (row.Length < _vocabulary.MaskWords)
            throw new ArgumentException($"A mask row needs {_vocabulary.MaskWords} words, got {row.Length}.", nameof(row));
        row = row[.._vocabulary.MaskWords];
        row.Clear();
        if (IsFinished) return;
        var key = _history.State.CacheKey(_vocabulary.Trie.MaxDepth + StringSlackBytes, _grammar.Limits);
        var cache = _grammar.MaskCacheFor(_vocabulary);
        if (!cache.TryCopyTo(key, row))
        {
            TokenMaskWalker.Fill(_vocabulary.Trie, _history.State, _grammar.Context, row);
            cache.Add(key, row);
        }
        if (!IsAccepting) return;
        foreach (var eos in _vocabulary.EosIds) row[eos >> 5] |= 1u << (eos & 31);
    }

    /// <summary>Mask as a fresh array; for tests and callers without a batch tensor.</summary>
    public uint[] ComputeMask()
    {
        var row = new uint[_vocabulary.MaskWords];
        FillMask(row);
        return row;
    }

    /// <summary>Beyond the longest token, room for the widest unit a string check looks ahead to (a \\uXXXX escape).</summary>
    private const int StringSlackBytes = 8;

    private sealed record History(ParseState State, bool IsFinished, History? Previous, int NumTokens);
}
