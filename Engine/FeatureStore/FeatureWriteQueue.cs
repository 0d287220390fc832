using System.Threading.Channels;

namespace FlorenceVL.Engine.FeatureStore;

/// <summary>
/// Fire-and-forget writes of newly computed features: a small bounded queue drained by one background task. The
/// engine thread only enqueues; when the queue is full (the store is slow) the entry is dropped and counted, since a
/// later request for the image simply computes and offers it again.
/// </summary>
public sealed class FeatureWriteQueue : IAsyncDisposable
{
    private readonly IFeatureStore _store;
    private readonly FeatureStoreMetrics _metrics;
    private readonly Channel<(FeatureKey Key, FeatureValue Value)> _queue;
    private readonly Task _writer;
    private int _pending;

    public FeatureWriteQueue(IFeatureStore store, int capacity, FeatureStoreMetrics metrics)
    {
        _store = store;
        _metrics = metrics;
        _queue = Channel.CreateBounded<(FeatureKey, FeatureValue)>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: refuse (and count) instead of waiting
            SingleReader = true,
        });
        _writer = Task.Run(DrainAsync);
    }

    /// <summary>Entries enqueued or being written.</summary>
    public int Pending => Volatile.Read(ref _pending);

    public bool TryEnqueue(FeatureKey key, FeatureValue value)
    {
        Interlocked.Increment(ref _pending);
        if (_queue.Writer.TryWrite((key, value))) return true;
        Interlocked.Decrement(ref _pending);
        _metrics.CountDroppedWrite();
        return false;
    }

    /// <summary>Waits until every enqueued entry was written or given up on (tests, the precompute command, shutdown).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        while (Pending > 0) await Task.Delay(5, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    private async Task DrainAsync()
    {
        await foreach (var (key, value) in _queue.Reader.ReadAllAsync())
        {
            try { await _store.SetAsync(key, value); }
            catch (Exception) { _metrics.CountFailure(); } // a store that throws despite its contract must not stop the writer
            finally { Interlocked.Decrement(ref _pending); }
        }
    }
}
