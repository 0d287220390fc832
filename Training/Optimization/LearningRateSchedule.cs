namespace FlorenceVL.Training.Optimization;

/// <summary>
/// Linear warm-up then cosine decay, as a pure function of the optimiser step (nanoGPT's get_lr). It returns a factor
/// in [0, 1]; each parameter group multiplies its own base learning rate by it.
/// </summary>
public sealed record LearningRateSchedule(int TotalSteps, int WarmupSteps, double MinFactor = 0.0)
{
    /// <summary>Warm-up steps as HF computes them from a ratio: ceil(ratio * total).</summary>
    public static LearningRateSchedule FromWarmupRatio(int totalSteps, double warmupRatio, double minFactor = 0.0) =>
        new(totalSteps, (int)Math.Ceiling(warmupRatio * totalSteps), minFactor);

    /// <param name="step">0-based index of the optimiser step about to be taken.</param>
    public double Factor(int step)
    {
        // 1) linear warm-up: step 0 already moves the weights (factor 1/(W+1)), step W-1 reaches W/(W+1)
        if (step < WarmupSteps) return (step + 1.0) / (WarmupSteps + 1.0);
        // 2) past the end of the schedule, stay at the floor
        if (step >= TotalSteps) return MinFactor;
        // 3) in between, cosine from 1 down to the floor over the remaining steps
        var progress = (double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps);
        var cosine = 0.5 * (1.0 + Math.Cos(Math.PI * progress));
        return MinFactor + cosine * (1.0 - MinFactor);
    }
}
