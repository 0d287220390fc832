using FlorenceVL.Engine.Inference.Sampling;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Inference;

/// <summary>One step of the engine: schedule, run, update. Synchronous and single-threaded (the engine thread owns it).</summary>
public sealed class EngineCore(Scheduler scheduler, ModelRunner runner)
{
    public Scheduler Scheduler => scheduler;

    public StepOutcome Step(Func<EncoderInput, Tensor> pixelsFor, Func<long, SamplingRow> rowFor, StoredFeatureHooks? storedFeatures = null)
    {
        var batch = scheduler.Schedule();
        if (batch.IsEmpty) return StepOutcome.Empty;
        var result = runner.Run(batch, pixelsFor, rowFor, storedFeatures);
        var outputs = scheduler.Update(batch, result.Sampled.ToDictionary(p => p.Key, p => p.Value.TokenId));
        return new StepOutcome(batch, outputs, result);
    }
}

public sealed record StepOutcome(ScheduledBatch Batch, IReadOnlyList<SequenceOutput> Outputs, StepResult? Result)
{
    public static StepOutcome Empty { get; } = new(ScheduledBatch.Empty, [], null);
}
