using FlorenceVL.Training.Checkpointing;

namespace FlorenceVL.Training.Data;

/// <summary>Reads batches epoch after epoch from a <see cref="LengthGroupedBatcher"/>, starting at any saved position.</summary>
public sealed class BatchCursor(LengthGroupedBatcher batcher, DataPosition start)
{
    private IReadOnlyList<int[]> _epochBatches = batcher.Batches(start.Epoch);

    public DataPosition Position { get; private set; } = start;

    public int[] Next()
    {
        if (Position.BatchIndex >= _epochBatches.Count)
        {
            Position = new DataPosition(Position.Epoch + 1, 0);
            _epochBatches = batcher.Batches(Position.Epoch);
        }
        var batch = _epochBatches[Position.BatchIndex];
        Position = Position with { BatchIndex = Position.BatchIndex + 1 };
        return batch;
    }
}
