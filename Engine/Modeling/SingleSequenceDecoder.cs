using FlorenceVL.Engine.Modeling.Decoder;
using FlorenceVL.Engine.Modeling.KvCache;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling;

/// <summary>
/// Runs one sequence through a <see cref="CausalLM"/> with its own small paged cache: prefill from embeddings, then
/// one-token decode steps. Used by parity checks, evaluation and the training host, where no scheduler is involved.
/// </summary>
public sealed class SingleSequenceDecoder : IDisposable
{
    private const int BlockSize = 16;
    private readonly CausalLM _model;
    private readonly PagedKvCache _cache;
    private readonly Tensor _blockTable;
    private int _length;

    public SingleSequenceDecoder(CausalLM model, int maxTokens)
    {
        _model = model;
        var numBlocks = (maxTokens + BlockSize - 1) / BlockSize;
        _cache = new PagedKvCache(model.Config, model.Placement, numBlocks, BlockSize);
        _blockTable = arange(numBlocks, ScalarType.Int64, model.Placement.Device);
    }

    /// <summary>Appends <paramref name="embeds"/> [n, hidden] and returns the logits of every new position [n, vocab].</summary>
    public Tensor Append(Tensor embeds)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var count = (int)embeds.shape[0];
        var device = _model.Placement.Device;
        var positions = arange(_length, _length + count, ScalarType.Int64, device);
        using var metadata = new AttentionMetadata(positions, positions.clone(), [new SequenceSlice(0, count, _length + count, _blockTable.clone())]);
        var hidden = _model.Forward(embeds, metadata, _cache);
        _length += count;
        return _model.ComputeLogits(hidden).MoveToOuterDisposeScope();
    }

    /// <summary>Greedy continuation: feeds the argmax of <paramref name="lastLogits"/> back <paramref name="count"/> times.</summary>
    public IReadOnlyList<int> Greedy(Tensor lastLogits, int count, IReadOnlyCollection<int>? stopIds = null)
    {
        using var noGrad = no_grad();
        var ids = new List<int>();
        var logits = lastLogits;
        for (var i = 0; i < count; i++)
        {
            var next = (int)logits.argmax(-1).item<long>();
            ids.Add(next);
            if (stopIds?.Contains(next) == true || i == count - 1) break;
            using var id = tensor(new long[] { next }, device: _model.Placement.Device);
            using var embed = _model.EmbedTokens(id);
            using var all = Append(embed);
            logits = all[-1];
        }
        return ids;
    }

    public void Dispose()
    {
        _cache.Dispose();
        _blockTable.Dispose();
    }
}
