namespace FlorenceVL.Engine.Inference;

/// <summary>
/// One step of the engine: schedule, run, update. Synchronous and single-threaded (the engine thread owns it); the
/// batch carries everything the runner needs, so nothing here calls back to the caller. Owns the runner.
/// </summary>
public sealed class EngineCore(Scheduler scheduler, ModelRunner runner) : IDisposable
{
    public Scheduler Scheduler => scheduler;

    public ModelRunner Runner => runner;

    /// <summary>Work left: unfinished sequences, or finished ones whose runner state the next step drops.</summary>
    public bool HasWork => scheduler.HasUnfinished || scheduler.HasFinishedToReport;

    public StepOutcome Step()
    {
        var batch = scheduler.Schedule();
        var output = runner.Run(batch);
        var outputs = scheduler.Update(batch, output);
        return new StepOutcome(batch, outputs, output.NumImagesEncoded);
    }

    public void Dispose() => runner.Dispose();
}

/// <summary>A step's per-sequence outputs, and the batch and vision work behind them (for metrics and feature tiers).</summary>
public sealed record StepOutcome(ScheduledBatch Batch, IReadOnlyList<SequenceOutput> Outputs, int NumImagesEncoded);
