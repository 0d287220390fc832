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

    [Fact]
    public void Helpers_that_went_to_sleep_between_jobs_are_woken_for_the_next()
    {
        TorchRuntime.EnsureLoadable();
        var job = new CoverItems(64);
        for (var round = 0; round < 5; round++)
        {
            KernelTeam.Run(job, 2);
            Thread.Sleep(20);   // well past the helpers' spin (200 us by default): they sleep and must be woken
        }
        Assert.All(job.Counts, count => Assert.Equal(5, count));
    }

    [Fact]
    public void Callers_on_several_threads_at_once_and_a_region_inside_a_part_each_get_every_item_once()
    {
        TorchRuntime.EnsureLoadable();
        var jobs = Enumerable.Range(0, 4).Select(_ => new CoverItems(500)).ToArray();
        Parallel.For(0, jobs.Length, new ParallelOptions { MaxDegreeOfParallelism = jobs.Length }, j =>
        {
            for (var round = 0; round < 200; round++) KernelTeam.Run(jobs[j], 2);
        });
        Assert.All(jobs, job => Assert.All(job.Counts, count => Assert.Equal(200, count)));

        var inner = new CoverItems(100);
        var outer = new Nesting(inner);
        KernelTeam.Run(outer, 2);
        Assert.All(inner.Counts, count => Assert.Equal(outer.PartsRun, count));
    }

    /// <summary>Every part opens a region of its own, as a kernel called from inside another kernel would.</summary>
    private sealed class Nesting(CoverItems inner) : KernelJob
    {
        public int PartsRun;

        public override void RunPart(int part, int parts)
        {
            KernelTeam.Run(inner, 2);
            Interlocked.Increment(ref PartsRun);
        }
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
