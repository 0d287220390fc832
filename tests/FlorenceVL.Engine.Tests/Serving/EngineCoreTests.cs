using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Serving;

namespace FlorenceVL.Engine.Tests.Serving;

/// <summary>The real core (tiny model) stepped on the test thread: the runner's registry and what a step reports.</summary>
public class EngineCoreTests
{
    private static readonly int[] Prompt = [.. Enumerable.Range(10, 8)];

    private static SamplingParams Greedy(int maxTokens, bool logprobs = false) =>
        new() { Temperature = 0, MaxTokens = maxTokens, IgnoreEos = true, Logprobs = logprobs, TopLogprobs = logprobs ? 2 : 0 };

    [Fact]
    public void The_runner_holds_state_only_for_live_sequences_and_drops_it_once_they_finish()
    {
        var options = TestModel.Options();
        using var loaded = LoadedModel.Load(options);
        using var core = EngineCoreBuilder.Build(loaded, options);
        var shortOne = new Sequence(1, Prompt, Greedy(maxTokens: 3));
        core.Scheduler.Add(shortOne);
        core.Scheduler.Add(new Sequence(2, Prompt, Greedy(maxTokens: 50)));

        core.Step();
        Assert.Equal(2, core.Runner.NumSequences);
        while (!shortOne.IsFinished) core.Step();
        core.Scheduler.Abort(2);

        Assert.True(core.HasWork);
        var last = core.Step();
        Assert.True(last.Batch.IsEmpty);
        Assert.Equal([1L, 2L], last.Batch.FinishedSequenceIds.Order());
        Assert.Equal(0, core.Runner.NumSequences);
        Assert.False(core.HasWork);
    }

    [Fact]
    public void A_step_output_carries_the_sampled_token_with_its_logprobs()
    {
        var options = TestModel.Options();
        using var loaded = LoadedModel.Load(options);
        using var core = EngineCoreBuilder.Build(loaded, options);
        core.Scheduler.Add(new Sequence(1, Prompt, Greedy(maxTokens: 2, logprobs: true)));

        var output = Assert.Single(core.Step().Outputs);

        Assert.NotNull(output.Token.Logprob);
        Assert.Equal(2, output.Token.TopLogprobs!.Count);
        Assert.Equal(output.TokenId, output.Token.TopLogprobs[0].TokenId); // greedy picks the most likely token
    }
}
