using FlorenceVL.Engine.FeatureStore;
using FlorenceVL.Engine.Inference;

namespace FlorenceVL.Engine.Tests.Inference;

/// <summary>The batch carries what the runner keeps per sequence: new sequences once, finished ids once.</summary>
public class ScheduledBatchTests
{
    [Fact]
    public void A_sequence_arrives_as_new_once_with_its_prompt_sampling_and_inputs()
    {
        var engine = new EngineHarness(EngineHarness.NewConfig(maxNumBatchedTokens: 8));
        var inputs = new SequenceInputs([], new Dictionary<string, FeatureValue>(), RandomSeed: 42);
        var sequence = engine.Add(new Sequence(1, [.. Enumerable.Range(100, 12)], new SamplingParams { Temperature = 0, MaxTokens = 3 }) { Inputs = inputs });

        engine.RunUntilIdle();

        var arrivals = engine.Batches.SelectMany(b => b.NewSequences).ToList();
        var arrival = Assert.Single(arrivals);
        Assert.Equal(sequence.Id, arrival.SequenceId);
        Assert.Equal(Enumerable.Range(100, 12), arrival.PromptTokenIds);
        Assert.Same(sequence.SamplingParams, arrival.SamplingParams);
        Assert.Same(inputs, arrival.Inputs);
        Assert.Same(arrivals[0], engine.Batches[0].NewSequences[0]);
    }

    [Fact]
    public void A_preempted_sequence_resumes_without_arriving_again()
    {
        var engine = new EngineHarness(EngineHarness.NewConfig(blockSize: 4, numBlocks: 8, maxModelLen: 32));
        engine.Add(EngineHarness.NewSequence(1, 12, maxTokens: 12));
        engine.Add(EngineHarness.NewSequence(2, 12, maxTokens: 12, firstToken: 300));

        engine.RunUntilIdle();

        Assert.Contains(engine.Batches, b => b.PreemptedSequenceIds.Count > 0);
        Assert.Equal([1L, 2L], engine.Batches.SelectMany(b => b.NewSequences).Select(n => n.SequenceId).Order());
    }

    [Fact]
    public void Finished_and_aborted_sequences_are_reported_once_in_the_next_batch()
    {
        var engine = new EngineHarness(EngineHarness.NewConfig());
        engine.Add(EngineHarness.NewSequence(1, 5, maxTokens: 1));
        engine.Add(EngineHarness.NewSequence(2, 5, maxTokens: 50, firstToken: 300));
        engine.Step();                                   // 1 finishes by length
        engine.Scheduler.Abort(2);
        Assert.True(engine.Scheduler.HasFinishedToReport);

        var batch = engine.Scheduler.Schedule();

        Assert.True(batch.IsEmpty);
        Assert.Equal([1L, 2L], batch.FinishedSequenceIds.Order());
        Assert.False(engine.Scheduler.HasFinishedToReport);
        Assert.Empty(engine.Scheduler.Schedule().FinishedSequenceIds);
    }
}
