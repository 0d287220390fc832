using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Modeling.KvCache;
using TorchSharp;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Modeling.Decoder;

/// <summary>
/// Rotary position embedding for the rope types of Phi-3.5 (<c>longrope</c>), Llama 3.1 (<c>llama3</c>) and plain rope.
/// cos/sin tables are computed once per device and dtype (grown by doubling as longer contexts appear, never past
/// max_position_embeddings) and gathered by position; nothing here is in the state dict.
/// <para>
/// LongRoPE chooses its factors from the sequence length. HF decides once per forward call from max(position_ids)+1;
/// with several sequences in one batch we decide <b>per sequence</b> from its current total length (SequenceSlice.FactorLength):
/// short factors while it is at most original_max_position_embeddings, long factors beyond. For one sequence run as HF
/// runs it (a full prefill, then one-token decodes) this is exactly HF's choice. A prompt prefilled in chunks that
/// cross the boundary keeps the short-factor keys of its early chunks, as HF would with the same chunks.
/// </para>
/// <para>Tables are built lazily on first use; like the rest of the forward, not for concurrent callers.</para>
/// </summary>
internal sealed class RotaryEmbedding : nn.Module
{
    private const int MinimumRows = 256;
    private readonly TextConfig _config;
    private readonly Dictionary<(DeviceType, int, ScalarType, bool), RopeTable> _tables = new();

    public RotaryEmbedding(TextConfig config) : base(nameof(RotaryEmbedding))
    {
        _config = config;
        var type = config.RopeScaling?.Type ?? "default";
        if (type is not ("default" or "longrope" or "llama3"))
            throw new ModelConfigException($"rope_scaling type '{type}' is not supported (default, longrope, llama3).");
        RegisterComponents();
    }

    /// <summary>Whether a sequence of this total length uses LongRoPE's long factors.</summary>
    public bool UsesLongFactors(int contextLength) => _config.UsesLongRopeFactors(contextLength);

    /// <summary>The angles of every token in the flat batch.</summary>
    public RotaryAngles Angles(AttentionMetadata metadata, ScalarType dtype, Device device)
    {
        var longFlags = metadata.Sequences.Select(s => UsesLongFactors(s.FactorLength)).ToArray();
        if (longFlags.All(f => f == longFlags[0]))
            return Gather(metadata, dtype, device, longFlags[0]);
        var shortAngles = Gather(metadata, dtype, device, longFactors: false);
        var longAngles = Gather(metadata, dtype, device, longFactors: true);
        var tokenUsesLong = TokenFlags(metadata, longFlags).to(device).unsqueeze(1);
        return new RotaryAngles(where(tokenUsesLong, longAngles.Cos, shortAngles.Cos), where(tokenUsesLong, longAngles.Sin, shortAngles.Sin));
    }

    private RotaryAngles Gather(AttentionMetadata metadata, ScalarType dtype, Device device, bool longFactors)
    {
        var needed = metadata.Sequences.Max(s => s.ContextLength); // every position is looked up in both tables
        var table = Table(dtype, device, longFactors, needed);
        return new RotaryAngles(table.Cos.index_select(0, metadata.Positions), table.Sin.index_select(0, metadata.Positions));
    }

    private static Tensor TokenFlags(AttentionMetadata metadata, bool[] longFlags)
    {
        var flags = new bool[metadata.NumTokens];
        for (var i = 0; i < longFlags.Length; i++)
        {
            var sequence = metadata.Sequences[i];
            Array.Fill(flags, longFlags[i], sequence.QueryStart, sequence.NumQueryTokens);
        }
        return tensor(flags);
    }

    private RopeTable Table(ScalarType dtype, Device device, bool longFactors, int rowsNeeded)
    {
        if (rowsNeeded > _config.MaxPositionEmbeddings)
            throw new ArgumentOutOfRangeException(nameof(rowsNeeded),
                $"a sequence of {rowsNeeded} tokens exceeds max_position_embeddings ({_config.MaxPositionEmbeddings}).");
        var key = (device.type, device.index, dtype, longFactors);
        if (_tables.TryGetValue(key, out var table) && table.Rows >= rowsNeeded) return table;
        table?.Dispose();
        var rows = (int)Math.Min(_config.MaxPositionEmbeddings, Math.Max(MinimumRows, (long)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)rowsNeeded)));
        return _tables[key] = BuildTable(rows, dtype, device, longFactors);
    }

    private RopeTable BuildTable(int rows, ScalarType dtype, Device device, bool longFactors)
    {
        using var scope = NewDisposeScope();
        var (invFreq, scale) = (_config.RopeScaling?.Type ?? "default") switch
        {
            "longrope" => (RopeFrequencies.LongRope(_config, longFactors), RopeFrequencies.LongRopeAttentionScaling(_config)),
            "llama3" => (RopeFrequencies.Llama3(_config), 1.0),
            _ => (RopeFrequencies.Default(_config), 1.0),
        };
        var angles = outer(arange(rows, ScalarType.Float32), invFreq);
        var both = cat([angles, angles], -1);
        var cos = (both.cos() * scale).to(dtype, device);
        var sin = (both.sin() * scale).to(dtype, device);
        // Cached across forwards: released by Dispose or by a rebuild, never by a caller's dispose scope.
        return new RopeTable(rows, cos.DetachFromDisposeScope(), sin.DetachFromDisposeScope());
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            foreach (var table in _tables.Values) table.Dispose();
        _tables.Clear();
        base.Dispose(disposing);
    }

    private sealed record RopeTable(int Rows, Tensor Cos, Tensor Sin) : IDisposable
    {
        public void Dispose()
        {
            Cos.Dispose();
            Sin.Dispose();
        }
    }
}
