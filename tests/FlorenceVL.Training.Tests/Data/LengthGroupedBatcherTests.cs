using FlorenceVL.Training.Data;

namespace FlorenceVL.Training.Tests.Data;

public class LengthGroupedBatcherTests
{
    private static readonly int[] Lengths = Enumerable.Range(0, 103).Select(i => 10 + (i * 37) % 90).ToArray();

    [Fact]
    public void Every_example_appears_once_per_epoch()
    {
        var batches = new LengthGroupedBatcher(Lengths, batchSize: 8, seed: 1).Batches(epoch: 0);
        Assert.Equal(Enumerable.Range(0, Lengths.Length), batches.SelectMany(b => b).Order());
        Assert.Equal(13, batches.Count);
    }

    [Fact]
    public void Batches_group_similar_lengths()
    {
        var batches = new LengthGroupedBatcher(Lengths, batchSize: 8, seed: 1, megabatchFactor: 4).Batches(0);
        var spread = batches.Average(b => b.Max(i => Lengths[i]) - b.Min(i => Lengths[i]));
        var random = new Random(1);
        var shuffled = Enumerable.Range(0, Lengths.Length).OrderBy(_ => random.Next()).Chunk(8);
        var randomSpread = shuffled.Average(b => b.Max(i => Lengths[i]) - b.Min(i => Lengths[i]));
        Assert.True(spread < randomSpread / 2, $"grouped spread {spread} vs random {randomSpread}");
    }

    [Fact]
    public void The_order_is_a_function_of_seed_and_epoch()
    {
        var batcher = new LengthGroupedBatcher(Lengths, 8, seed: 5);
        Assert.Equal(batcher.Batches(2), new LengthGroupedBatcher(Lengths, 8, seed: 5).Batches(2));
        Assert.NotEqual(batcher.Batches(2), batcher.Batches(3));
    }
}
