using FlorenceVL.Engine.Modeling.Decoder;
using FlorenceVL.Engine.Modeling.KvCache;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Tests.Modeling;

/// <summary>
/// A minimal stand-in for the engine's block manager in tests: gives each sequence blocks from a shuffled free list
/// (so block tables are never contiguous), builds the step's metadata, and runs it through the model.
/// </summary>
internal sealed class CacheDriver : IDisposable
{
    private readonly CausalLM _model;
    private readonly PagedKvCache _cache;
    private readonly Queue<long> _freeBlocks;
    private readonly Dictionary<int, List<long>> _blocks = new();
    private readonly Dictionary<int, int> _lengths = new();

    public CacheDriver(CausalLM model, int numBlocks, int blockSize, int seed = 7)
    {
        _model = model;
        _cache = new PagedKvCache(model.Config, model.Placement, numBlocks, blockSize);
        var random = new Random(seed);
        _freeBlocks = new Queue<long>(Enumerable.Range(0, numBlocks).Select(i => (long)i).OrderBy(_ => random.Next()));
    }

    public int BlockSize => _cache.BlockSize;

    /// <summary>Feeds each sequence its new tokens in one flat batch; returns each entry's logits [newTokens, vocab] (float32).</summary>
    public IReadOnlyList<Tensor> Step(params (int Sequence, long[] Ids)[] entries)
    {
        var positions = new List<long>();
        var slots = new List<long>();
        var slices = new List<SequenceSlice>();
        foreach (var (sequence, ids) in entries)
        {
            var start = _lengths.GetValueOrDefault(sequence);
            var blocks = Reserve(sequence, start + ids.Length);
            slices.Add(new SequenceSlice(positions.Count, ids.Length, start + ids.Length, tensor(blocks.ToArray())));
            for (var p = start; p < start + ids.Length; p++)
            {
                positions.Add(p);
                slots.Add(blocks[p / BlockSize] * BlockSize + p % BlockSize);
            }
            _lengths[sequence] = start + ids.Length;
        }
        using var metadata = new AttentionMetadata(tensor(positions.ToArray()), tensor(slots.ToArray()), slices);
        using var tokenIds = tensor(entries.SelectMany(e => e.Ids).ToArray());
        using var embeds = _model.EmbedTokens(tokenIds);
        using var hidden = _model.Forward(embeds, metadata, _cache);
        using var logits = _model.ComputeLogits(hidden).to_type(ScalarType.Float32);
        return slices.Select(s => logits.narrow(0, s.QueryStart, s.NumQueryTokens).clone()).ToList();
    }

    /// <summary>Prefill then one-token decodes, picking the arg-max each time.</summary>
    public long[] Greedy(int sequence, long[] prompt, int maxNewTokens)
    {
        var generated = new List<long>();
        var next = prompt;
        while (generated.Count < maxNewTokens)
        {
            var logits = Step((sequence, next))[0];
            using var last = logits[-1];
            generated.Add(last.argmax().item<long>());
            logits.Dispose();
            next = [generated[^1]];
        }
        return generated.ToArray();
    }

    private List<long> Reserve(int sequence, int length)
    {
        var blocks = _blocks.TryGetValue(sequence, out var held) ? held : _blocks[sequence] = [];
        while (blocks.Count * BlockSize < length)
            blocks.Add(_freeBlocks.Count > 0 ? _freeBlocks.Dequeue() : throw new InvalidOperationException("test cache is out of blocks"));
        return blocks;
    }

    public void Dispose() => _cache.Dispose();
}
