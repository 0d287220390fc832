using FlorenceVL.Engine.Inference;

namespace FlorenceVL.Engine.Tests.Inference;

public class BlockManagerTests
{
    private static Sequence Prompt(long id, int length, int firstToken = 100) =>
        EngineHarness.NewSequence(id, length, firstToken: firstToken);

    private static BlockAllocation Admit(BlockManager blocks, Sequence sequence)
    {
        var hit = blocks.FindCachedPrefix(sequence);
        var allocation = blocks.Allocate(sequence, hit, sequence.NumTokens - hit.NumTokens);
        Assert.NotNull(allocation);
        sequence.NumComputedTokens = sequence.NumTokens;
        blocks.MarkComputed(sequence);
        return allocation;
    }

    [Fact]
    public void Allocation_takes_blocks_for_the_prompt_and_free_returns_them()
    {
        var blocks = new BlockManager(numBlocks: 10, blockSize: 4);
        var sequence = Prompt(1, 10);

        var allocation = blocks.Allocate(sequence, PrefixHit.None, 10);

        Assert.Equal(3, allocation!.BlockIds.Count);
        Assert.Equal(7, blocks.NumFreeBlocks);
        Assert.All(sequence.BlockTable, id => Assert.Equal(1, blocks.RefCount(id)));
        blocks.Free(sequence);
        Assert.Equal(10, blocks.NumFreeBlocks);
        Assert.Empty(sequence.BlockTable);
    }

    [Fact]
    public void Allocation_returns_null_and_takes_nothing_when_the_pool_is_too_small()
    {
        var blocks = new BlockManager(numBlocks: 2, blockSize: 4);

        Assert.False(blocks.CanAllocate(PrefixHit.None, 9));
        Assert.Null(blocks.Allocate(Prompt(1, 9), PrefixHit.None, 9));
        Assert.Equal(2, blocks.NumFreeBlocks);
    }

    [Fact]
    public void Append_adds_a_block_only_when_the_last_one_is_full()
    {
        var blocks = new BlockManager(numBlocks: 10, blockSize: 4);
        var sequence = Prompt(1, 7);
        blocks.Allocate(sequence, PrefixHit.None, 7);
        sequence.NumComputedTokens = 7;

        Assert.Empty(blocks.Append(sequence, 1)!);
        sequence.NumComputedTokens = 8;
        var added = blocks.Append(sequence, 1);

        Assert.Single(added!);
        Assert.Equal(3, sequence.NumBlocks);
        Assert.Equal(added![0], sequence.BlockTable[^1]);
    }

    [Fact]
    public void Append_returns_null_when_no_block_is_free()
    {
        var blocks = new BlockManager(numBlocks: 1, blockSize: 4);
        var sequence = Prompt(1, 4);
        blocks.Allocate(sequence, PrefixHit.None, 4);
        sequence.NumComputedTokens = 4;

        Assert.False(blocks.CanAppend(sequence, 1));
        Assert.Null(blocks.Append(sequence, 1));
    }

    [Fact]
    public void Shared_prefix_blocks_are_reference_counted_and_stay_cached_after_free()
    {
        var blocks = new BlockManager(numBlocks: 10, blockSize: 4);
        var first = Prompt(1, 9);
        var second = Prompt(2, 9);
        Admit(blocks, first);

        var allocation = Admit(blocks, second);

        Assert.Equal(8, allocation.NumCachedTokens);
        Assert.Equal(first.BlockTable.Take(2), second.BlockTable.Take(2));
        Assert.NotEqual(first.BlockTable[2], second.BlockTable[2]);
        Assert.Equal(2, blocks.RefCount(first.BlockTable[0]));
        var shared = first.BlockTable[0];
        blocks.Free(first);
        Assert.Equal(1, blocks.RefCount(shared));
        blocks.Free(second);
        Assert.Equal(0, blocks.RefCount(shared));
        Assert.True(blocks.IsCached(shared));
        Assert.Equal(8, blocks.FindCachedPrefix(Prompt(3, 9)).NumTokens);
    }

    [Fact]
    public void Cache_hit_never_covers_the_last_token()
    {
        var blocks = new BlockManager(numBlocks: 10, blockSize: 4);
        Admit(blocks, Prompt(1, 8));

        var hit = blocks.FindCachedPrefix(Prompt(2, 8));

        Assert.Equal(4, hit.NumTokens);
    }

    [Fact]
    public void Blocks_become_reusable_only_once_their_tokens_are_computed()
    {
        var blocks = new BlockManager(numBlocks: 10, blockSize: 4);
        var first = Prompt(1, 9);
        blocks.Allocate(first, PrefixHit.None, 9);
        Assert.Equal(0, blocks.FindCachedPrefix(Prompt(2, 9)).NumTokens);

        first.NumComputedTokens = 5;
        blocks.MarkComputed(first);

        Assert.Equal(4, blocks.FindCachedPrefix(Prompt(2, 9)).NumTokens);
    }

    [Fact]
    public void Least_recently_freed_cached_blocks_are_evicted_first()
    {
        var blocks = new BlockManager(numBlocks: 4, blockSize: 4);
        var older = Prompt(1, 5, firstToken: 100);
        var newer = Prompt(2, 5, firstToken: 500);
        Admit(blocks, older);
        blocks.Free(older);
        Admit(blocks, newer);
        blocks.Free(newer);

        // Three fresh blocks: the two without reusable content go first, then the older cached block.
        blocks.Allocate(Prompt(3, 12, firstToken: 900), PrefixHit.None, 12);

        Assert.Equal(0, blocks.FindCachedPrefix(Prompt(4, 5, firstToken: 100)).NumTokens);
        Assert.Equal(4, blocks.FindCachedPrefix(Prompt(5, 5, firstToken: 500)).NumTokens);
    }

    [Fact]
    public void Reviving_a_freed_cached_block_counts_against_free_blocks()
    {
        var blocks = new BlockManager(numBlocks: 2, blockSize: 4);
        var first = Prompt(1, 5);
        Admit(blocks, first);
        blocks.Free(first);
        var again = Prompt(2, 5);
        var hit = blocks.FindCachedPrefix(again);

        Assert.True(blocks.CanAllocate(hit, 1));
        blocks.Allocate(again, hit, 1);

        Assert.Equal(0, blocks.NumFreeBlocks);
        Assert.False(blocks.CanAllocate(PrefixHit.None, 1));
    }
}
