using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using FlorenceVL.Engine.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.FeatureStore;

/// <summary>
/// Identity of a vision tower as it computes features: XxHash128 over its config, the input size and every parameter
/// and buffer (name, dtype, shape, bytes). Two towers with one fingerprint give the same DBFusion features, so
/// replicas and the training host share entries exactly when they may.
/// </summary>
public readonly record struct TowerFingerprint(UInt128 Value)
{
    public string Hex => Value.ToString("x32");

    public override string ToString() => Hex;

    /// <summary>Hashes the loaded tower once (about a second per GB of weights on a CPU core; done at load).</summary>
    public static TowerFingerprint Of(FlorenceVLModel model)
    {
        var hash = new XxHash128();
        hash.Append(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { model.Config.Vision, model.Config.ImageSize })));
        foreach (var (name, parameter) in model.VisionTower.named_parameters())
            AppendTensor(hash, name, parameter);
        foreach (var (name, buffer) in model.VisionTower.named_buffers())
            AppendTensor(hash, name, buffer);
        return new TowerFingerprint(hash.GetCurrentHashAsUInt128());
    }

    public static TowerFingerprint Parse(string hex) => new(UInt128.Parse(hex, System.Globalization.NumberStyles.HexNumber));

    private static void AppendTensor(XxHash128 hash, string name, Tensor tensor)
    {
        hash.Append(Encoding.UTF8.GetBytes($"{name}:{tensor.dtype}:{string.Join('x', tensor.shape)};"));
        using var scope = NewDisposeScope();
        var cpu = tensor.detach().cpu().contiguous();
        TensorBytes.Visit(cpu, chunk => hash.Append(chunk));
    }
}
