using FlorenceVL.Engine.Inference;

namespace FlorenceVL.Engine.Tests.Inference;

public class PrefixHashTests
{
    private const int ImageToken = 32044;

    /// <summary>4 text tokens, an 8-token image, then <paramref name="question"/> tokens.</summary>
    private static Sequence ImagePrompt(long id, string imageHash, int question = 100)
    {
        int[] tokens = [1, 2, 3, 4, .. Enumerable.Repeat(ImageToken, 8), question, question + 1, question + 2, question + 3, 5];
        return new Sequence(id, tokens, new SamplingParams(), [new SequenceImage(imageHash, 4, 8)]);
    }

    private static void Compute(BlockManager blocks, Sequence sequence)
    {
        var hit = blocks.FindCachedPrefix(sequence);
        blocks.Allocate(sequence, hit, sequence.NumTokens - hit.NumTokens);
        sequence.NumComputedTokens = sequence.NumTokens;
        blocks.MarkComputed(sequence);
    }

    [Fact]
    public void Same_image_and_text_reuse_every_full_block()
    {
        var blocks = new BlockManager(numBlocks: 20, blockSize: 4);
        Compute(blocks, ImagePrompt(1, "cat"));

        var hit = blocks.FindCachedPrefix(ImagePrompt(2, "cat"));

        Assert.Equal(16, hit.NumTokens);
    }

    [Fact]
    public void Another_image_with_identical_placeholder_tokens_misses_from_the_image_on()
    {
        var blocks = new BlockManager(numBlocks: 20, blockSize: 4);
        Compute(blocks, ImagePrompt(1, "cat"));

        var hit = blocks.FindCachedPrefix(ImagePrompt(2, "dog"));

        Assert.Equal(4, hit.NumTokens);
    }

    [Fact]
    public void A_different_question_about_the_same_image_reuses_the_visual_blocks()
    {
        var blocks = new BlockManager(numBlocks: 20, blockSize: 4);
        Compute(blocks, ImagePrompt(1, "cat", question: 100));

        var hit = blocks.FindCachedPrefix(ImagePrompt(2, "cat", question: 700));

        Assert.Equal(12, hit.NumTokens);
    }

    [Fact]
    public void The_position_inside_an_image_is_part_of_the_hash()
    {
        // Same image and the same placeholder ids, but the image starts one block later: nothing lines up.
        var blocks = new BlockManager(numBlocks: 20, blockSize: 4);
        int[] shifted = [1, 2, 3, 4, ImageToken, ImageToken, ImageToken, ImageToken, .. Enumerable.Repeat(ImageToken, 8), 9];
        Compute(blocks, new Sequence(1, shifted, new SamplingParams(), [new SequenceImage("cat", 4, 12)]));

        var hit = blocks.FindCachedPrefix(new Sequence(2, shifted, new SamplingParams(), [new SequenceImage("cat", 8, 8)]));

        Assert.Equal(4, hit.NumTokens);
    }
}
