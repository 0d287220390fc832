using FlorenceVL.Engine.Inference;

namespace FlorenceVL.Engine.Serving;

/// <summary>
/// Turns step outputs into client events (vLLM's OutputProcessor): each live choice's stream detokenizes, holds back
/// and cuts stop strings, and describes logprobs; finished choices flush and report. Engine thread only.
/// </summary>
internal sealed class OutputProcessor(EngineMetrics metrics)
{
    private readonly Dictionary<long, ChoiceState> _live = [];

    public IEnumerable<ChoiceState> Live => _live.Values;

    public void Add(ChoiceState state) => _live.Add(state.Sequence.Id, state);

    public void Remove(long sequenceId) => _live.Remove(sequenceId);

    /// <summary>Publishes each output's text; returns the sequences a stop string ended, which the scheduler must finish.</summary>
    public IReadOnlyList<long> Process(IReadOnlyList<SequenceOutput> outputs)
    {
        List<long>? stopped = null;
        foreach (var output in outputs)
        {
            if (!_live.TryGetValue(output.SequenceId, out var state)) continue;
            ObserveLatency(state);
            var (delta, stopStringHit) = state.Choice.OnToken(output.Token, output.IsFinished);
            if (delta is not null) state.Generation.Publish(delta);
            metrics.AddGenerationTokens(1);
            if (output.FinishReason is { } reason) Finish(output.SequenceId, reason);
            else if (stopStringHit)
            {
                (stopped ??= []).Add(output.SequenceId);
                Finish(output.SequenceId, FinishReason.Stop);
            }
        }
        return stopped ?? [];
    }

    /// <summary>Ends a choice: flushes held text and reports it. False when it had already ended.</summary>
    public bool Finish(long sequenceId, FinishReason reason)
    {
        if (!_live.Remove(sequenceId, out var state)) return false;
        if (reason != FinishReason.Abort && state.Choice.Flush() is { } rest) state.Generation.Publish(rest);
        state.Generation.Publish(new ChoiceFinished(state.Choice.ChoiceIndex, reason, state.Choice.NumCompletionTokens, state.Sequence.NumCachedTokens));
        metrics.CountRequest(reason.ToString().ToLowerInvariant());
        return true;
    }

    /// <summary>Ends every live choice with <paramref name="error"/>; returns their ids for the scheduler to abort.</summary>
    public IReadOnlyList<long> FailAll(Exception error)
    {
        var ids = _live.Keys.ToList();
        foreach (var state in _live.Values)
        {
            state.Generation.Fail(new EngineStepException("The engine failed while running this request; it was aborted.", error));
            metrics.CountRequest("error");
        }
        _live.Clear();
        return ids;
    }

    private void ObserveLatency(ChoiceState state)
    {
        var now = DateTime.UtcNow;
        if (!state.Generation.HasFirstToken)
        {
            state.Generation.HasFirstToken = true;
            metrics.TimeToFirstToken.Observe((now - state.Generation.StartedAt).TotalSeconds);
        }
        else if (state.Choice.LastTokenAt is { } last)
        {
            metrics.TimePerOutputToken.Observe((now - last).TotalSeconds);
        }
    }
}
