namespace FlorenceVL.Engine.Inference;

/// <summary>The waiting queue is full; the caller should fail fast (HTTP 503) rather than queue without bound.</summary>
public sealed class EngineOverloadedException(int maxWaiting)
    : Exception($"The engine is overloaded: {maxWaiting} requests are already waiting. Retry later.")
{
    public int MaxWaiting { get; } = maxWaiting;
}
