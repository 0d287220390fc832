using System.Runtime;
using FlorenceVL.Engine.Runtime;
using Xunit;

namespace FlorenceVL.Engine.Tests;

/// <summary>A no-GC region is process-wide: these tests run alone, so no other test's allocations end it.</summary>
[CollectionDefinition(nameof(CollectionPauseTests), DisableParallelization = true)]
public sealed class CollectionPauseCollection;

[Collection(nameof(CollectionPauseTests))]
public sealed class CollectionPauseTests
{
    [Fact]
    public void No_collection_happens_inside_a_pause_and_collections_resume_after_it()
    {
        var before = GC.CollectionCount(0);
        using (var pause = CollectionPause.Begin())
        {
            var afterStart = GC.CollectionCount(0); // starting a region collects once, at the chosen point
            var garbage = Enumerable.Range(0, 20_000).Select(i => new byte[256]).Count();
            Assert.Equal(20_000, garbage);
            Assert.True(pause.HeldThroughout);
            Assert.Equal(afterStart, GC.CollectionCount(0));
            Assert.True(afterStart > before);
        }
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        GC.Collect();
    }

    [Fact]
    public void A_nested_pause_leaves_the_outer_one_running()
    {
        using var outer = CollectionPause.Begin();
        using (var inner = CollectionPause.Begin())
            Assert.False(inner.HeldThroughout);
        Assert.True(outer.HeldThroughout);
    }

    [Fact]
    public void Outgrowing_the_budget_ends_the_pause_early_without_failing()
    {
        var pause = CollectionPause.Begin(budgetBytes: 1L << 20);
        var kept = new List<byte[]>();
        for (var i = 0; i < 64 && pause.HeldThroughout; i++) kept.Add(new byte[256 * 1024]);
        Assert.False(pause.HeldThroughout);
        pause.Dispose();
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
    }
}
