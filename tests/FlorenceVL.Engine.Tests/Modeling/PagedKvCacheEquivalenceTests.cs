using static TorchSharp.torch;

namespace FlorenceVL.Engine.Tests.Modeling;

/// <summary>
/// The paged cache changes how work is split, never the result: prefill in one piece, in chunks, token by token, or
/// batched with other sequences must give the same logits (to float32 reordering noise).
/// </summary>
public class PagedKvCacheEquivalenceTests
{
    private const double ReorderingTolerance = 1e-5;
    private const int BlockSize = 4; // smaller than every prompt here, so sequences cross blocks

    // 40 tokens keeps Phi-3 below its original context (64): one LongRoPE variant throughout.
    private static long[] Prompt(int length, int seed) =>
        Enumerable.Range(0, length).Select(i => (long)((i * 37 + seed * 101 + 5) % 1000 + 3)).ToArray();

    [Theory]
    [InlineData(DecoderFixtures.Phi3, 3)]
    [InlineData(DecoderFixtures.Phi3, 7)]
    [InlineData(DecoderFixtures.Phi3, 16)]
    [InlineData(DecoderFixtures.Llama3, 3)]
    [InlineData(DecoderFixtures.Llama3, 7)]
    [InlineData(DecoderFixtures.Llama3, 16)]
    public void Chunked_prefill_gives_the_logits_of_one_prefill(string folder, int chunk)
    {
        using var model = DecoderFixtures.LoadModel(folder);
        var prompt = Prompt(40, seed: 1);
        using var whole = model.FullForwardLogits(tensor(prompt));
        using var driver = new CacheDriver(model, numBlocks: 32, blockSize: BlockSize);
        var pieces = prompt.Chunk(chunk).Select(piece => driver.Step((0, piece))[0]).ToList();
        using var chunked = cat(pieces, 0);
        AssertClose(whole, chunked, $"{folder} chunks of {chunk}");
    }

    [Theory]
    [InlineData(DecoderFixtures.Phi3)]
    [InlineData(DecoderFixtures.Llama3)]
    public void Token_by_token_decode_gives_the_logits_of_one_prefill(string folder)
    {
        using var model = DecoderFixtures.LoadModel(folder);
        var prompt = Prompt(30, seed: 2);
        using var whole = model.FullForwardLogits(tensor(prompt));
        using var driver = new CacheDriver(model, numBlocks: 32, blockSize: BlockSize);
        var steps = prompt.Select(token => driver.Step((0, new[] { token }))[0]).ToList();
        using var oneByOne = cat(steps, 0);
        AssertClose(whole, oneByOne, $"{folder} token by token");
    }

    [Theory]
    [InlineData(DecoderFixtures.Phi3)]
    [InlineData(DecoderFixtures.Llama3)]
    public void Sequences_batched_together_give_the_logits_of_each_alone(string folder)
    {
        using var model = DecoderFixtures.LoadModel(folder);
        (int, long[])[][] schedule =
        [
            [(0, Prompt(21, 3)), (1, Prompt(9, 4))],   // two fresh prefills
            [(0, Prompt(6, 5)), (1, [230])],           // a continuing chunk beside a decode
            [(0, [17]), (1, [999])],                   // decodes of different lengths in one padded SDPA
            [(1, Prompt(5, 6)), (0, [401])],           // a decode that is not the batch's first row
        ];
        AssertBatchedEqualsAlone(model, schedule, folder);
    }

    [Fact]
    public void Longrope_factors_are_chosen_per_sequence_within_one_batch()
    {
        using var model = DecoderFixtures.LoadModel(DecoderFixtures.Phi3);
        (int, long[])[][] schedule =
        [
            [(0, Prompt(20, 7)), (1, Prompt(70, 8))],  // short factors beside long ones (original context 64)
            [(0, [11]), (1, [12])],
        ];
        AssertBatchedEqualsAlone(model, schedule, DecoderFixtures.Phi3);
    }

    private static void AssertBatchedEqualsAlone(Engine.Modeling.Decoder.CausalLM model, (int Sequence, long[] Ids)[][] schedule, string folder)
    {
        using var together = new CacheDriver(model, numBlocks: 64, blockSize: BlockSize);
        var sequences = schedule.SelectMany(step => step.Select(e => e.Sequence)).Distinct().ToList();
        var alone = sequences.ToDictionary(s => s, _ => new CacheDriver(model, numBlocks: 64, blockSize: BlockSize));
        try
        {
            for (var step = 0; step < schedule.Length; step++)
            {
                var batched = together.Step(schedule[step]);
                for (var i = 0; i < schedule[step].Length; i++)
                {
                    var entry = schedule[step][i];
                    using var single = alone[entry.Sequence].Step(entry)[0];
                    AssertClose(single, batched[i], $"{folder} step {step} sequence {entry.Sequence}");
                    batched[i].Dispose();
                }
            }
        }
        finally
        {
            foreach (var driver in alone.Values) driver.Dispose();
        }
    }

    private static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        var error = DecoderFixtures.RelativeError(actual, expected);
        Assert.True(error < ReorderingTolerance, $"{what}: relative error {error:E2}");
    }
}
