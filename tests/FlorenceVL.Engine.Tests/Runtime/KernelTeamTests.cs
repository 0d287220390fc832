using FlorenceVL.Engine.Runtime;

namespace FlorenceVL.Engine.Tests;

/// <summary>The kernel team hands every part to exactly one thread, and a part's failure reaches the caller.</summary>
public class KernelTeamTests
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Every_part_runs_once_and_the_split_covers_all_items(int parts)
    {
        TorchRuntime.EnsureLoadable();
        var job = new CoverItems(1000);
        for (var round = 0; round < 50; round++) KernelTeam.Run(job, parts); // reused, as the kernels reuse theirs
        Assert.All(job.Counts, count => Assert.Equal(50, count));
        Assert.True(job.MaxParts >= 1 && job.MaxParts <= parts, $"ran in {job.MaxParts} parts, asked for {parts}");
    }

    [Fact]
    public void A_failing_part_is_rethrown_on_the_caller_and_the_team_stays_usable()
    {
        TorchRuntime.EnsureLoadable();
        var error = Assert.Throws<InvalidOperationException>(() => KernelTeam.Run(new FailingLastPart(), 2));
        Assert.Contains("part", error.Message);
        var job = new CoverItems(10);
        KernelTeam.Run(job, 2);
        Assert.All(job.Counts, count => Assert.Equal(1, count));
    }

    /// <summary>Counts how often each item was visited; part i of n takes items [i*N/n, (i+1)*N/n).</summary>
    private sealed class CoverItems(int items) : KernelJob
    {
        public int[] Counts { get; } = new int[items];
        public int MaxParts;

        public override void RunPart(int part, int parts)
        {
            InterlockedMax(ref MaxParts, parts);
            for (var i = part * Counts.Length / parts; i < (part + 1) * Counts.Length / parts; i++) Interlocked.Increment(ref Counts[i]);
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
        }
    }

    private sealed class FailingLastPart : KernelJob
    {
        public override void RunPart(int part, int parts)
        {
            if (part == parts - 1) throw new InvalidOperationException($"part {part} of {parts} failed");
        }
    }
}
