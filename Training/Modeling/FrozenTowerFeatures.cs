using FlorenceVL.Engine.FeatureStore;
using FlorenceVL.Engine.Modeling;
using static TorchSharp.torch;

namespace FlorenceVL.Training.Modeling;

/// <summary>
/// DBFusion features of a frozen vision tower, which never change while it stays frozen: held in memory by image content
/// hash, read from the shared feature store when one is given (the entries the server and `precompute-features` wrote),
/// and otherwise computed once without autograd (and written back to the store). Keys are the server's, so serving and
/// training share entries exactly when their tower fingerprints match.
/// </summary>
public sealed class FrozenTowerFeatures(FlorenceVLModel model, IFeatureStore? store = null, ScalarType sharedDType = ScalarType.BFloat16) : IDisposable
{
    // Without a store nothing is shared, so features keep the model's precision; with one, the store's (as the server does).
    private readonly ScalarType _dtype = store is null ? model.Placement.DType : sharedDType;
    private readonly Dictionary<string, Tensor> _memory = new(StringComparer.Ordinal);
    private readonly Lazy<TowerFingerprint> _fingerprint = new(() => TowerFingerprint.Of(model));

    /// <summary>Images the vision tower actually ran on.</summary>
    public int NumImagesEncoded { get; private set; }

    /// <summary>Images whose features came from the shared store.</summary>
    public int NumStoreHits { get; private set; }

    /// <summary>[images, N, fusedDim] for the batch's images (pixels [images, 3, S, S], hashes in the same order).</summary>
    public Tensor Get(IReadOnlyList<string> hashes, Tensor pixels)
    {
        using var noGrad = no_grad();
        var missing = Enumerable.Range(0, hashes.Count).Where(i => !_memory.ContainsKey(hashes[i]) && !TryRead(hashes[i])).ToList();
        if (missing.Count > 0) Compute(hashes, pixels, missing);
        return stack(hashes.Select(h => _memory[h]).ToArray()).to(model.Placement.DType, model.Placement.Device);
    }

    private bool TryRead(string hash)
    {
        if (store is null) return false;
        var value = store.GetAsync(Key(hash)).AsTask().GetAwaiter().GetResult();
        if (value is null) return false;
        _memory[hash] = value.ToTensor().DetachFromDisposeScope();
        NumStoreHits++;
        return true;
    }

    private void Compute(IReadOnlyList<string> hashes, Tensor pixels, List<int> rows)
    {
        using var scope = NewDisposeScope();
        using var index = tensor(rows.Select(r => (long)r).ToArray(), device: pixels.device);
        var fused = model.FusedFeatures(pixels.index_select(0, index));                    // [missing, N, fusedDim]
        NumImagesEncoded += rows.Count;
        for (var i = 0; i < rows.Count; i++)
        {
            // The shared precision, as the server projects it, so training sees exactly the features serving will.
            var features = fused[i].to(_dtype).cpu().clone().DetachFromDisposeScope();
            _memory[hashes[rows[i]]] = features;
            store?.SetAsync(Key(hashes[rows[i]]), FeatureValue.FromTensor(features, _dtype)).AsTask().GetAwaiter().GetResult();
        }
    }

    private FeatureKey Key(string hash) => new(hash, _fingerprint.Value, _dtype);

    public void Dispose()
    {
        foreach (var features in _memory.Values) features.Dispose();
        _memory.Clear();
    }
}
