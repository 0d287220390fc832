namespace FlorenceVL.Engine.Serving;

/// <summary>Messages into the engine thread, the only thread that touches the scheduler and tensors.</summary>
internal abstract record EngineCommand;

/// <summary>Admit a request's sequences; <see cref="Admitted"/> completes once the scheduler took them (or refused).</summary>
internal sealed record AddRequest(Generation Generation, IReadOnlyList<ChoiceState> Sequences, TaskCompletionSource Admitted) : EngineCommand;

internal sealed record AbortSequences(IReadOnlyList<long> SequenceIds) : EngineCommand;
