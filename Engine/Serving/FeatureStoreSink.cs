using FlorenceVL.Engine.FeatureStore;
using FlorenceVL.Engine.Inference;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Serving;

/// <summary>The model runner's feature sink over the engine's feature tiers: computed features are queued for the shared store.</summary>
internal sealed class FeatureStoreSink(FeatureTiers tiers) : IFeatureSink
{
    public ScalarType StoredDType => tiers.StoredDType;

    public void Save(string contentHash, Tensor fused) => tiers.Save(contentHash, fused);
}
