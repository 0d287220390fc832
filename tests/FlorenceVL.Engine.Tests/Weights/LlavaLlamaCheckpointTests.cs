using FlorenceVL.Engine.Parity;
using FlorenceVL.Engine.Serving;
using FlorenceVL.Engine.Weights;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Tests.Weights;

/// <summary>
/// A Florence-VL-8B-layout checkpoint (llava_llama, separate q/k/v under model.layers, the tower under
/// model.vision_tower.vision_tower., two shards) loads through the server's own path, and both halves agree with the
/// reference: the tower bit for bit with the same tower in the llava_phi fixture, the decoder with llama3-tiny's logits.
/// </summary>
public sealed class LlavaLlamaCheckpointTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = CreateComposed();

    private static TempDirectory CreateComposed()
    {
        var dir = new TempDirectory();
        LlavaLlamaCheckpoint.Compose(dir.Path);
        return dir;
    }

    private static LoadedModel Load(string path) => LoadedModel.Load(new EngineOptions { ModelPath = path, WarmUp = false });

    [Fact]
    public void The_server_loads_it_with_nothing_missing_or_unexpected()
    {
        using var loaded = Load(_dir.Path);

        Assert.Equal("llava_llama", loaded.Config.ModelType);
        Assert.Empty(loaded.Report.Unexpected);
        Assert.Equal(loaded.Model.state_dict().Count, loaded.Report.NumLoaded);
    }

    [Fact]
    public void Its_tower_is_bit_identical_to_the_same_weights_in_the_llava_phi_fixture()
    {
        using var composed = Load(_dir.Path);
        var (phiModel, _) = FlorenceVL.Engine.Modeling.FlorenceVLModelLoader.Load(
            Path.Combine(AppContext.BaseDirectory, "Fixtures", "florence-vl-tiny"), FlorenceVL.Engine.Modeling.ModelPlacement.CpuFloat32);
        using var phi = phiModel;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        using (var expected = SafetensorsFile.Open(Path.Combine(AppContext.BaseDirectory, "Fixtures", "florence-vl-tiny", "expected.safetensors")))
        {
            var pixels = expected.Load("pixel_values");
            var a = composed.Model.VisionTower.ImageFeatures(pixels);
            var b = phi.VisionTower.ImageFeatures(pixels);
            Assert.True(a.equal(b).all().item<bool>());
            for (var t = 0; t < composed.Model.VisionTower.NumPrompts; t++)
                Assert.True(composed.Model.VisionTower.EncodeTask(a, t).equal(phi.VisionTower.EncodeTask(b, t)).all().item<bool>(), $"prompt {t}");
        }
    }

    [Fact]
    public void Parity_passes_on_the_tower_references_and_the_llama_decoder_logits()
    {
        var results = ParityRunner.Run(_dir.Path, ScalarType.Float32);
        foreach (var result in results) output.WriteLine(result.ToString());

        // 8 tower references (pixel_values is the input) minus the input = 7, plus llama3-tiny's 2 logits and 1 greedy case.
        Assert.Equal(10, results.Count);
        Assert.Contains(results, r => r.Name == "len100.logits");
        Assert.All(results, r => Assert.True(r.Passed, r.ToString()));
        Assert.All(results.Where(r => r.Name.EndsWith("logits")), r => Assert.True(r.RelativeError < 1e-4, r.ToString()));
    }

    [Fact]
    public void Inspect_reads_it_from_the_headers_as_a_servable_llava_llama_with_the_tower_in_the_main_checkpoint()
    {
        var inspection = FlorenceVL.Engine.Modeling.CheckpointInspector.Inspect(_dir.Path, ScalarType.BFloat16, contextLength: 100, sequences: 2);

        Assert.True(inspection.CanServe);
        Assert.Equal("llava_llama", inspection.Config.ModelType);
        Assert.Equal(2, inspection.Files.Count);
        Assert.StartsWith("main checkpoint", inspection.TowerSource);
        Assert.Equal("tokenizer.json", inspection.Tokenizer);
        // llama3-tiny: 2 layers x K and V x 2 KV heads x head_dim 16 x 2 bytes.
        Assert.Equal(2L * 2 * 2 * 16 * 2, inspection.Memory.KvBytesPerToken);
        Assert.Equal(inspection.Memory.KvBytesPerToken * 100 * 2, inspection.Memory.KvPoolBytes);
        // q, k and v of each layer pack into one module tensor, gate and up into another: 4 checkpoint tensors fewer per layer.
        Assert.Equal(2 * 3, inspection.Plan.Bindings.Sum(b => b.ExternalNames.Count) - inspection.Plan.Bindings.Count);
    }

    public void Dispose() => _dir.Dispose();
}
