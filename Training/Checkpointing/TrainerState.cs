namespace FlorenceVL.Training.Checkpointing;

/// <summary>Where the data stream stands: the next batch to read is batch BatchIndex of epoch Epoch's order.</summary>
public sealed record DataPosition(int Epoch, int BatchIndex);

/// <summary>One logged optimiser step, kept so a resumed run can still draw the whole loss curve.</summary>
public sealed record LossPoint(int Step, double Loss);

/// <summary>Everything besides weights and optimiser moments that a resumed run needs to continue exactly.</summary>
public sealed record TrainerState(int Step, DataPosition Position, IReadOnlyList<LossPoint> History, string StageName)
{
    public static TrainerState Start(string stageName) => new(0, new DataPosition(0, 0), [], stageName);
}
