namespace FlorenceVL.Training.Cli;

/// <summary>Lets synchronous commands own async-disposable resources (the Redis feature store) with a plain using.</summary>
public sealed class BlockingDisposal(IAsyncDisposable? resource) : IDisposable
{
    public void Dispose() => resource?.DisposeAsync().AsTask().GetAwaiter().GetResult();
}
