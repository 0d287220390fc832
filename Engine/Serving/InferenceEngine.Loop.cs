using System.Diagnostics;
using FlorenceVL.Engine.FeatureStore;
using FlorenceVL.Engine.Inference;
using FlorenceVL.Engine.Inference.Sampling;
using FlorenceVL.Engine.Runtime;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Serving;

/// <summary>The engine thread: apply commands, step while there is work, publish what each step produced.</summary>
public sealed partial class InferenceEngine
{
    private void Loop()
    {
        while (!_stopping.IsCancellationRequested)
        {
            while (_commands.Reader.TryRead(out var command)) Apply(command);
            if (!_core.Scheduler.HasUnfinished)
            {
                NativeMemory.Trim(); // idle: give the burst's freed tensor memory back to the OS
                if (!WaitForCommand()) return;
                continue;
            }
            try
            {
                var watch = Stopwatch.StartNew();
                var outcome = _core.Step(PixelsFor, RowFor, _storedFeatureHooks);
                Metrics.StepSeconds.Observe(watch.Elapsed.TotalSeconds);
                if (outcome.Result is { NumImagesEncoded: > 0 } result) Metrics.AddVisionImages(result.NumImagesEncoded);
                foreach (var input in outcome.Batch.EncoderInputs) _features.MarkResident(input.ContentHash);
                Dispatch(outcome);
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                FailAll(error); // a failed step must not take the server down: its requests end with an error
            }
            PublishGauges();
        }
    }

    private bool WaitForCommand()
    {
        try { return _commands.Reader.WaitToReadAsync(_stopping.Token).AsTask().GetAwaiter().GetResult(); }
        catch (OperationCanceledException) { return false; }
    }

    private void Apply(EngineCommand command)
    {
        switch (command)
        {
            case AddRequest add:
                Admit(add);
                break;
            case AbortSequences abort:
                foreach (var id in abort.SequenceIds) Finish(id, FinishReason.Abort, fromScheduler: false);
                break;
        }
        PublishGauges();
    }

    private void Admit(AddRequest add)
    {
        var added = new List<long>();
        try
        {
            foreach (var state in add.Sequences)
            {
                _core.Scheduler.Add(state.Sequence);
                _live[state.Sequence.Id] = state;
                added.Add(state.Sequence.Id);
            }
            add.Admitted.TrySetResult();
        }
        catch (Exception error)
        {
            foreach (var id in added) { _core.Scheduler.Abort(id); _live.Remove(id); }
            Metrics.CountRequest(error is EngineOverloadedException ? "rejected" : "invalid");
            add.Admitted.TrySetException(error);
        }
    }

    private Tensor PixelsFor(EncoderInput input)
    {
        var state = _live[input.SequenceId];
        var index = state.Sequence.Images.ToList().FindIndex(i => i.ContentHash == input.ContentHash);
        return state.Pixels[index].ToTensor();
    }

    /// <summary>Features read from the store when the request started, as a new CPU tensor; null to compute.</summary>
    private Tensor? StoredFeaturesFor(EncoderInput input) =>
        _live[input.SequenceId].StoredFeatures.GetValueOrDefault(input.ContentHash)?.ToTensor();

    private void SaveFeatures(EncoderInput input, Tensor fused) => _features.Save(input.ContentHash, fused);

    private SamplingRow RowFor(long sequenceId)
    {
        var state = _live[sequenceId];
        var p = state.Sequence.SamplingParams;
        var needsHistory = p.PresencePenalty != 0 || p.FrequencyPenalty != 0 || p.RepetitionPenalty != 1;
        return needsHistory ? state.Row with { OutputTokenIds = state.Sequence.CompletionTokenIds.ToArray() } : state.Row;
    }

    private void Dispatch(StepOutcome outcome)
    {
        foreach (var output in outcome.Outputs)
        {
            if (!_live.TryGetValue(output.SequenceId, out var state)) continue;
            ObserveLatency(state);
            var sampled = outcome.Result!.Sampled.GetValueOrDefault(output.SequenceId);
            var (delta, stopStringHit) = state.Choice.OnToken(output.TokenId, sampled, output.IsFinished);
            if (delta is not null) state.Generation.Publish(delta);
            Metrics.AddGenerationTokens(1);
            if (output.FinishReason is { } reason) Finish(output.SequenceId, reason, fromScheduler: true);
            else if (stopStringHit) Finish(output.SequenceId, FinishReason.Stop, fromScheduler: false);
        }
    }

    private void ObserveLatency(SequenceState state)
    {
        var now = DateTime.UtcNow;
        if (!state.Generation.HasFirstToken)
        {
            state.Generation.HasFirstToken = true;
            Metrics.TimeToFirstToken.Observe((now - state.Generation.StartedAt).TotalSeconds);
        }
        else if (state.Choice.LastTokenAt is { } last)
        {
            Metrics.TimePerOutputToken.Observe((now - last).TotalSeconds);
        }
    }

    /// <summary>Ends a choice: frees its blocks (unless the scheduler already did), flushes held text, reports it.</summary>
    private void Finish(long sequenceId, FinishReason reason, bool fromScheduler)
    {
        if (!_live.Remove(sequenceId, out var state)) return;
        if (!fromScheduler) _core.Scheduler.Finish(sequenceId, reason);
        if (reason != FinishReason.Abort && state.Choice.Flush() is { } rest) state.Generation.Publish(rest);
        state.Generation.Publish(new ChoiceFinished(state.Choice.ChoiceIndex, reason, state.Choice.NumCompletionTokens, state.Sequence.NumCachedTokens));
        Metrics.CountRequest(reason.ToString().ToLowerInvariant());
    }

    private void FailAll(Exception error)
    {
        foreach (var (id, state) in _live.ToList())
        {
            _core.Scheduler.Abort(id);
            _live.Remove(id);
            state.Generation.Fail(new EngineStepException("The engine failed while running this request; it was aborted.", error));
            Metrics.CountRequest("error");
        }
    }

    private void PublishGauges()
    {
        Metrics.Scheduler = _core.Scheduler.Stats;
        Metrics.NumPendingImages = _live.Values
            .Where(s => s.Sequence.Status == SequenceStatus.Waiting)
            .Sum(s => s.Sequence.Images.Count(i => i.End > s.Sequence.NumComputedTokens));
    }
}
