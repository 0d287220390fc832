namespace FlorenceVL.Engine.Constrained;

/// <summary>
/// Trie-walk results of one grammar over one vocabulary, by parse state. Most of a structured output is spent in
/// a few recurring states (inside a string value, after a key, between array items), and every sequence that
/// shares the schema shares them, so a batch of rows with one schema walks each such state once. Keys are
/// <see cref="ParseState.CacheKey"/>s: a string's length is forgotten while it is far from its bound, so every
/// position inside a long string is one entry. Bounded by bytes; when full, new states are walked and not kept.
/// Thread-safe (masks may be filled off the engine thread).
/// </summary>
internal sealed class MaskCache(int maskWords, long maxBytes)
{
    private readonly object _lock = new();
    private readonly Dictionary<ParseState, uint[]> _masks = [];
    private readonly int _maxEntries = (int)Math.Max(1, maxBytes / Math.Max(1, maskWords * sizeof(uint)));

    /// <summary>Most bytes of masks one grammar keeps per vocabulary (a 128k-token row is 16 KiB).</summary>
    public const long DefaultMaxBytes = 2L << 20;

    public int Count { get { lock (_lock) return _masks.Count; } }

    public bool TryCopyTo(ParseState key, Span<uint> row)
    {
        lock (_lock)
        {
            if (!_masks.TryGetValue(key, out var mask)) return false;
            mask.CopyTo(row);
            return true;
        }
    }

    public void Add(ParseState key, ReadOnlySpan<uint> row)
    {
        lock (_lock)
        {
            if (_masks.Count >= _maxEntries || _masks.ContainsKey(key)) return;
            _masks[key] = row[..maskWords].ToArray();
        }
    }
}
