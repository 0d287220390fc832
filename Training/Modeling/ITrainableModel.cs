using static TorchSharp.torch;

namespace FlorenceVL.Training.Modeling;

/// <summary>What the trainer needs from a model: its named parameters, and a differentiable loss over a batch.</summary>
public interface ITrainableModel : IDisposable
{
    /// <summary>Parameters under their module names (e.g. <c>mm_projector.layers.0.weight</c>), in a stable order.</summary>
    IReadOnlyList<(string Name, TorchSharp.Modules.Parameter Parameter)> NamedParameters { get; }

    /// <summary>Every tensor of the model's state, as a checkpoint stores it (parameters and persistent buffers).</summary>
    IReadOnlyDictionary<string, Tensor> StateDict();

    /// <summary>Mean cross-entropy over the batch's loss tokens (a scalar carrying the autograd graph).</summary>
    Tensor Loss(TrainingBatch batch);
}
