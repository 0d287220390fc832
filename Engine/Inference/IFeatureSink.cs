using static TorchSharp.torch;

namespace FlorenceVL.Engine.Inference;

/// <summary>
/// Where the model runner hands the DBFusion features its vision tower computed (the shared feature store). With a
/// sink, every image is projected from features rounded to <see cref="StoredDType"/>, so an image read from the store
/// and the same image computed here give identical embeddings.
/// </summary>
public interface IFeatureSink
{
    ScalarType StoredDType { get; }

    /// <summary>Engine thread; <paramref name="fused"/> [N, fusedDim] is valid only during the call; must not block.</summary>
    void Save(string contentHash, Tensor fused);
}
