namespace FlorenceVL.Api.Hosting;

/// <summary>
/// Whether the server is draining, and how many admitted /v1 requests are still running (streams until their last
/// event). A request counts itself before it checks the flag, so none can slip in unseen while draining begins.
/// </summary>
public sealed class DrainState
{
    private readonly TaskCompletionSource _idleWhileDraining = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;
    private volatile bool _draining;

    public bool IsDraining => _draining;

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Counts a request in; false (and not counted) when the server is draining.</summary>
    public bool TryEnter()
    {
        Interlocked.Increment(ref _inFlight);
        if (!_draining)
            return true;
        Exit();
        return false;
    }

    public void Exit()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && _draining)
            _idleWhileDraining.TrySetResult();
    }

    public void BeginDraining()
    {
        _draining = true;
        if (InFlight == 0)
            _idleWhileDraining.TrySetResult();
    }

    /// <summary>Completes once draining has begun and no admitted request is left.</summary>
    public Task Idle => _idleWhileDraining.Task;
}
