using static TorchSharp.torch;

namespace FlorenceVL.Engine.Inference;

/// <summary>
/// How the model runner meets a feature store: <see cref="Stored"/> gives an image's DBFusion features [N, fusedDim]
/// when they were read ahead of time (a new tensor the runner disposes, or null to compute), and <see cref="Computed"/>
/// receives features the vision tower just produced (valid only during the call). Both run on the engine thread.
/// </summary>
public sealed record StoredFeatureHooks(ScalarType StoredDType, Func<EncoderInput, Tensor?> Stored, Action<EncoderInput, Tensor> Computed);
