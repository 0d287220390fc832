namespace FlorenceVL.Training;

/// <summary>The loss became NaN or infinite: the run stops, and the last checkpoint written before it stays the good one.</summary>
public sealed class TrainingDivergedException(int step, double loss, string? lastGoodCheckpoint)
    : Exception($"loss became {loss} at step {step}; training stopped. " +
        (lastGoodCheckpoint is null ? "No checkpoint was written before it." : $"The last good checkpoint is {lastGoodCheckpoint}."))
{
    public int Step { get; } = step;
    public string? LastGoodCheckpoint { get; } = lastGoodCheckpoint;
}
