using FlorenceVL.Engine.Inference;

namespace FlorenceVL.Engine.Tests.Inference;

public class EncoderCacheTests
{
    private readonly List<string> _evicted = [];

    private EncoderCache<string> NewCache(int capacity) => new(capacity, (hash, _) => _evicted.Add(hash));

    [Fact]
    public void Reserved_entry_holds_its_value_and_later_lookups_hit()
    {
        var cache = NewCache(10);

        Assert.False(cache.TryAcquire("a", 1));
        Assert.True(cache.TryReserve("a", 6, 1));
        cache.Store("a", "features-a");
        Assert.True(cache.TryAcquire("a", 2));

        Assert.True(cache.TryGetValue("a", out var value));
        Assert.Equal("features-a", value);
        Assert.Equal(new EncoderCacheEntry("a", 6, 2, true), cache.Find("a"));
        Assert.Equal(1, cache.Stats.Hits);
        Assert.Equal(1, cache.Stats.Misses);
        Assert.Equal(0.5, cache.Stats.HitRate);
    }

    [Fact]
    public void Held_entries_are_never_evicted()
    {
        var cache = NewCache(10);
        cache.TryReserve("a", 6, 1);

        Assert.False(cache.CanReserve(5));
        Assert.False(cache.TryReserve("b", 5, 2));
        Assert.NotNull(cache.Find("a"));
        Assert.Empty(_evicted);
    }

    [Fact]
    public void Released_entries_stay_until_room_is_needed_then_go_oldest_first()
    {
        var cache = NewCache(10);
        cache.TryReserve("a", 4, 1);
        cache.TryReserve("b", 4, 2);
        cache.Store("a", "fa");
        cache.Store("b", "fb");
        cache.Release("a", 1);
        cache.Release("b", 2);
        Assert.Equal(2, cache.Stats.NumEntries);

        Assert.True(cache.TryReserve("c", 5, 3));

        Assert.Equal(["a"], _evicted);
        Assert.Null(cache.Find("a"));
        Assert.NotNull(cache.Find("b"));
        Assert.Equal(9, cache.Stats.UsedTokens);
    }

    [Fact]
    public void Acquiring_a_released_entry_protects_it_again()
    {
        var cache = NewCache(8);
        cache.TryReserve("a", 4, 1);
        cache.Release("a", 1);
        Assert.True(cache.CanReserve(8));

        cache.TryAcquire("a", 2);

        Assert.False(cache.CanReserve(8));
        Assert.True(cache.CanReserve(4));
    }

    [Fact]
    public void Entry_stays_held_until_its_last_holder_releases_it()
    {
        var cache = NewCache(8);
        cache.TryReserve("a", 8, 1);
        cache.TryAcquire("a", 2);

        cache.Release("a", 1);
        Assert.False(cache.CanReserve(1));
        cache.Release("a", 2);
        Assert.True(cache.CanReserve(8));
    }

    [Fact]
    public void Releasing_an_image_not_held_by_the_sequence_is_an_error()
    {
        var cache = NewCache(8);
        cache.TryReserve("a", 4, 1);

        Assert.Throws<InvalidOperationException>(() => cache.Release("a", 2));
        Assert.Throws<InvalidOperationException>(() => cache.Release("b", 1));
    }
}
