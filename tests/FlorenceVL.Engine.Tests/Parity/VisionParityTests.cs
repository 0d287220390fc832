using FlorenceVL.Engine.Modeling;
using FlorenceVL.Engine.Modeling.ImageEncoder;
using FlorenceVL.Engine.Weights;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Tests.Parity;

/// <summary>
/// The Florence-2 vision tower, DBFusion and the projector against the reference's tensors for the tiny Florence-VL
/// fixture (two 160x160 images, a 5x5 grid that needs window padding with window 4).
/// </summary>
public sealed class VisionParityTests(ITestOutputHelper output)
{
    private const double Float32Tolerance = 1e-4;
    private const double BFloat16SanityBound = 0.1;
    private static readonly string FixtureDirectory = Path.Combine(AppContext.BaseDirectory, "Fixtures", "florence-vl-tiny");

    [Fact]
    public void Vision_tower_fusion_and_projector_match_the_reference_in_float32()
    {
        var errors = ComputeRelativeErrors(ModelPlacement.CpuFloat32);
        Assert.All(errors, error => Assert.True(error.Value < Float32Tolerance, $"{error.Key}: relative error {error.Value:E3}"));
    }

    [Fact]
    public void Vision_tower_fusion_and_projector_stay_near_the_reference_in_bfloat16()
    {
        var errors = ComputeRelativeErrors(new ModelPlacement(CPU, ScalarType.BFloat16));
        Assert.All(errors, error => Assert.True(error.Value < BFloat16SanityBound, $"{error.Key}: relative error {error.Value:E3}"));
    }

    [Fact]
    public void Loading_the_released_layout_uses_every_vision_and_projector_tensor()
    {
        Runtime.TorchRuntime.EnsureLoadable();
        var (root, report) = VisionTestRoot.Load(FixtureDirectory, ModelPlacement.CpuFloat32);
        root.Dispose();
        var decoderOnly = new[] { "model.embed_tokens.", "model.layers.", "model.norm.", "lm_head." };
        Assert.All(report.Unexpected, name => Assert.Contains(decoderOnly, prefix => name.StartsWith(prefix, StringComparison.Ordinal)));
        Assert.Contains("model.vision_tower.vision_tower.visual_temporal_embed.pos_idx_to_embed", report.Ignored);
    }

    [Fact]
    public void Computed_temporal_embedding_equals_the_buffer_stored_in_the_checkpoint()
    {
        Runtime.TorchRuntime.EnsureLoadable();
        using var checkpoint = SafetensorsCheckpoint.Open(FixtureDirectory);
        using var stored = checkpoint.Load("model.vision_tower.vision_tower.visual_temporal_embed.pos_idx_to_embed"); // [100, 64]
        using var embedding = new TemporalEmbedding(stored.shape[1], stored.shape[0], ModelPlacement.CpuFloat32);
        using var computed = embedding.forward(stored.shape[0]);
        var error = RelativeError(computed, stored);
        output.WriteLine($"temporal embedding relative error {error:E3}");
        Assert.True(error < 1e-6, $"relative error {error:E3}");
    }

    private Dictionary<string, double> ComputeRelativeErrors(ModelPlacement placement)
    {
        Runtime.TorchRuntime.EnsureLoadable();
        using var expected = SafetensorsFile.Open(Path.Combine(FixtureDirectory, "expected.safetensors"));
        var (root, _) = VisionTestRoot.Load(FixtureDirectory, placement);
        using var rootScope = root;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var tower = root.VisionTower;
        var pixelValues = expected.Load("pixel_values");
        var imageFeatures = tower.ImageFeatures(pixelValues);
        var fused = tower.FusedFeatures(pixelValues);
        var actual = new Dictionary<string, Tensor>
        {
            ["davit_nchw"] = tower.DaViTFeatures(pixelValues),
            ["image_features_with_global"] = imageFeatures,
            ["encoder.caption"] = tower.EncodeTask(imageFeatures, 0),
            ["encoder.ocr"] = tower.EncodeTask(imageFeatures, 1),
            ["encoder.region"] = tower.EncodeTask(imageFeatures, 2),
            ["fused"] = fused,
            ["visual_embeds"] = root.Projector.forward(fused),
        };
        var errors = actual.ToDictionary(pair => pair.Key, pair => RelativeError(pair.Value, expected.Load(pair.Key)));
        foreach (var (name, error) in errors)
            output.WriteLine($"{placement.DType,-9} {name,-27} relative error {error:E3}");
        return errors;
    }

    private static double RelativeError(Tensor actual, Tensor expected)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var scope = NewDisposeScope();
        var reference = expected.to_type(ScalarType.Float64);
        var difference = actual.to_type(ScalarType.Float64) - reference;
        return difference.square().sum().sqrt().item<double>() / reference.square().sum().sqrt().item<double>();
    }
}
