namespace FlorenceVL.Engine.Inference;

public enum SequenceStatus
{
    Waiting,
    Running,

    /// <summary>Blocks were taken back; the sequence waits at the front of the queue to be recomputed.</summary>
    Preempted,
    Finished,
}
