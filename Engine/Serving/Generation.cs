using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace FlorenceVL.Engine.Serving;

/// <summary>
/// The caller's handle on one request: events arrive on an unbounded channel written by the engine thread (text is
/// small, and a slow reader must never stall the step loop). Disposal aborts whatever has not finished.
/// </summary>
internal sealed class Generation(string requestId, int numPromptTokens, int numImageTokens, IReadOnlyList<long> sequenceIds,
    Action<IReadOnlyList<long>> abort) : IGeneration
{
    private readonly Channel<GenerationEvent> _events = Channel.CreateUnbounded<GenerationEvent>(new() { SingleReader = true, SingleWriter = true });
    private int _numFinished;
    private int _disposed;

    public string RequestId => requestId;
    public int NumPromptTokens => numPromptTokens;
    public int NumImageTokens => numImageTokens;
    public IReadOnlyList<long> SequenceIds => sequenceIds;
    public DateTime StartedAt { get; } = DateTime.UtcNow;
    public bool HasFirstToken { get; set; }

    /// <summary>Engine thread: publish an event; the channel completes after the last choice finishes.</summary>
    public void Publish(GenerationEvent @event)
    {
        _events.Writer.TryWrite(@event);
        if (@event is ChoiceFinished && ++_numFinished == sequenceIds.Count)
            _events.Writer.TryComplete();
    }

    public void Fail(Exception error) => _events.Writer.TryComplete(error);

    public async IAsyncEnumerable<GenerationEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.Register(() => abort(sequenceIds));
        await foreach (var @event in _events.Reader.ReadAllAsync(cancellationToken))
            yield return @event;
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0 && !_events.Reader.Completion.IsCompleted)
            abort(sequenceIds);
        return ValueTask.CompletedTask;
    }
}
