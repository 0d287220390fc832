namespace FlorenceVL.Engine.Serving;

/// <summary>A model step failed (for example the device ran out of memory); the requests in it were aborted.</summary>
public sealed class EngineStepException(string message, Exception inner) : Exception(message, inner);
