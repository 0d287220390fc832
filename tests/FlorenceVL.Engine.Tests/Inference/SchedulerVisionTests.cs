using FlorenceVL.Engine.Inference;

namespace FlorenceVL.Engine.Tests.Inference;

public class SchedulerVisionTests
{
    private static Sequence WithImage(long id, string image, int offset = 2, int length = 8, int promptLength = 20,
        int firstToken = 100) =>
        EngineHarness.NewSequence(id, promptLength, maxTokens: 3, firstToken: firstToken,
            images: [new SequenceImage(image, offset, length)]);

    [Fact]
    public void Image_shared_by_two_requests_in_one_step_is_encoded_once()
    {
        var engine = new EngineHarness(EngineHarness.NewConfig());
        engine.Add(WithImage(1, "cat"));
        engine.Add(WithImage(2, "cat", firstToken: 300));

        engine.Step();

        var input = Assert.Single(engine.Batches[0].EncoderInputs);
        Assert.Equal(new EncoderInput("cat", 1, 0), input);
        Assert.Equal(1, engine.Runner.VisionTowerRuns);
        Assert.Equal((1L, 1L), (engine.EncoderCache.Stats.Hits, engine.EncoderCache.Stats.Misses));
    }

    [Fact]
    public void Image_seen_by_an_earlier_request_skips_the_vision_tower()
    {
        var engine = new EngineHarness(EngineHarness.NewConfig());
        engine.Add(WithImage(1, "cat"));
        engine.RunUntilIdle();

        // Another text before the image, so the prefix cache cannot help, but the encoder cache can.
        var second = engine.Add(WithImage(2, "cat", firstToken: 300));
        engine.RunUntilIdle();

        Assert.Equal(1, engine.Runner.VisionTowerRuns);
        Assert.Equal(1L, engine.EncoderCache.Stats.Hits);
        Assert.Equal(0, second.NumCachedTokens);
    }

    [Fact]
    public void Image_inside_a_cached_prefix_needs_no_encoder_work_at_all()
    {
        var engine = new EngineHarness(EngineHarness.NewConfig());
        engine.Add(WithImage(1, "cat"));
        engine.RunUntilIdle();
        var queriesBefore = engine.EncoderCache.Stats.Queries;

        var again = engine.Add(WithImage(2, "cat"));
        engine.Step();

        Assert.Equal(16, again.NumCachedTokens);
        Assert.Empty(engine.Batches[^1].EncoderInputs);
        Assert.Empty(engine.Batches[^1].Sequences[0].Images);
        Assert.Equal(queriesBefore, engine.EncoderCache.Stats.Queries);
    }

    [Fact]
    public void Chunk_stops_before_an_image_that_has_no_encoder_room_and_resumes_once_room_frees()
    {
        var config = EngineHarness.NewConfig(encoderCacheBudget: 8) with { LongPrefillTokenThreshold = 6 };
        var engine = new EngineHarness(config);
        var first = engine.Add(WithImage(1, "a", offset: 2));
        var second = engine.Add(WithImage(2, "b", offset: 1, firstToken: 300));

        engine.Step();
        Assert.Equal(1, engine.EncoderCache.Find("a")!.NumHolders);
        engine.Step();
        Assert.Equal(0, engine.EncoderCache.Find("a")!.NumHolders);
        engine.Step();

        int? ScheduledFor(ScheduledBatch batch, long id) =>
            batch.Sequences.FirstOrDefault(s => s.SequenceId == id)?.NumScheduledTokens;
        Assert.Equal([1, null, 6], engine.Batches.Select(b => ScheduledFor(b, second.Id)));
        Assert.Equal([["a"], [], ["b"]], engine.Batches.Select(b => b.EncoderInputs.Select(e => e.ContentHash).ToArray()));
        Assert.Null(engine.EncoderCache.Find("a"));
        engine.RunUntilIdle();
        Assert.Equal(EngineHarness.GenerateAlone(first, EngineHarness.NewConfig()), first.CompletionTokenIds);
        Assert.Equal(EngineHarness.GenerateAlone(second, EngineHarness.NewConfig()), second.CompletionTokenIds);
    }

    [Fact]
    public void Image_split_across_chunks_is_encoded_once_and_released_after_the_last_chunk()
    {
        var engine = new EngineHarness(EngineHarness.NewConfig(maxNumBatchedTokens: 4));
        var sequence = engine.Add(WithImage(1, "cat", offset: 2, length: 8));

        engine.Step();
        engine.Step();
        Assert.Equal(1, engine.EncoderCache.Find("cat")!.NumHolders);
        engine.Step();

        Assert.Equal(1, engine.Runner.VisionTowerRuns);
        Assert.Equal(0, engine.EncoderCache.Find("cat")!.NumHolders);
        Assert.Equal(12, sequence.NumComputedTokens);
    }
}
