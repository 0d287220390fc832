namespace FlorenceVL.Engine.Serving;

/// <summary>Messages into the engine thread, the only thread that touches the scheduler and tensors.</summary>
internal abstract record EngineCommand;

/// <summary>Admit a request's sequences; <see cref="Admitted"/> completes once the scheduler took them (or refused).</summary>
internal sealed record AddRequest(Generation Generation, IReadOnlyList<ChoiceState> Sequences, TaskCompletionSource Admitted) : EngineCommand;

/// <summary>Run the vision tower on one image (POST /v1/images); <see cref="Done"/> gets its fused features [tokens, fusedDim].</summary>
internal sealed record EncodeImageFeatures(Processing.Images.PreprocessedImage Image, TaskCompletionSource<FeatureStore.FeatureValue> Done) : EngineCommand;

internal sealed record AbortSequences(IReadOnlyList<long> SequenceIds) : EngineCommand;
