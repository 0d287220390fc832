using FlorenceVL.Engine.Weights;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Tests.Weights;

public class CheckpointLoaderTests
{
    /// <summary>A two-level module shaped like a decoder layer, to exercise names, packing and ties.</summary>
    private sealed class TinyLayer : nn.Module
    {
        [TorchSharp.Utils.ComponentName(Name = "qkv_proj")] private readonly Linear _qkvProj = nn.Linear(4, 12, hasBias: false);
        public TinyLayer() : base(nameof(TinyLayer)) => RegisterComponents();
    }

    private sealed class TinyRoot : nn.Module
    {
        [TorchSharp.Utils.ComponentName(Name = "embed")] private readonly Embedding _embed = nn.Embedding(10, 4);
        [TorchSharp.Utils.ComponentName(Name = "layer")] private readonly TinyLayer _layer = new();
        [TorchSharp.Utils.ComponentName(Name = "head")] private readonly Linear _head = nn.Linear(4, 10, hasBias: false);
        public TinyRoot() : base(nameof(TinyRoot)) => RegisterComponents();
    }

    private static readonly WeightLayout Identity = new("identity", [], [], [], []);

    [Fact]
    public void Every_parameter_is_filled_from_the_checkpoint()
    {
        using var dir = new TempDirectory();
        var source = new TinyRoot();
        SafetensorsWriter.Write(dir.File("model.safetensors"), source.state_dict());
        var target = new TinyRoot();

        using var checkpoint = SafetensorsCheckpoint.Open(dir.Path);
        var report = CheckpointLoader.Load(target, [new(checkpoint, Identity)]);

        Assert.Equal(3, report.NumLoaded);
        foreach (var (name, tensor) in source.state_dict())
            Assert.True(tensor.equal(target.state_dict()[name]).all().item<bool>(), name);
    }

    [Fact]
    public void Missing_tensors_are_listed_by_name()
    {
        using var dir = new TempDirectory();
        SafetensorsWriter.Write(dir.File("model.safetensors"), [new("embed.weight", zeros(10, 4))]);

        using var checkpoint = SafetensorsCheckpoint.Open(dir.Path);
        var error = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(new TinyRoot(), [new(checkpoint, Identity)]));

        Assert.Contains("missing 2 required tensor(s)", error.Message);
        Assert.Contains("layer.qkv_proj.weight", error.Message);
        Assert.Contains("head.weight", error.Message);
    }

    [Fact]
    public void A_wrong_shape_names_the_tensor_and_both_shapes()
    {
        using var dir = new TempDirectory();
        var state = new TinyRoot().state_dict();
        state["head.weight"] = zeros(11, 4);
        SafetensorsWriter.Write(dir.File("model.safetensors"), state);

        using var checkpoint = SafetensorsCheckpoint.Open(dir.Path);
        var error = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(new TinyRoot(), [new(checkpoint, Identity)]));

        Assert.Contains("'head.weight'", error.Message);
        Assert.Contains("[11, 4]", error.Message);
        Assert.Contains("[10, 4]", error.Message);
    }

    [Fact]
    public void Separate_projections_are_packed_in_rule_order_and_ignored_names_are_skipped()
    {
        using var dir = new TempDirectory();
        var (q, k, v) = (randn(4, 4), randn(4, 4), randn(4, 4));
        SafetensorsWriter.Write(dir.File("model.safetensors"), new Dictionary<string, Tensor>
        {
            ["model.embed.weight"] = randn(10, 4),
            ["model.layer.self_attn.v_proj.weight"] = v, // stored out of order on purpose
            ["model.layer.self_attn.q_proj.weight"] = q,
            ["model.layer.self_attn.k_proj.weight"] = k,
            ["model.head.weight"] = randn(10, 4),
            ["model.rotary_emb.inv_freq"] = randn(2),
        });
        var layout = new WeightLayout("test",
            [@"rotary_emb\.inv_freq$"],
            [new(@"^model\.", ""), new(@"self_attn\.qkv_proj", "qkv_proj")],
            [new(@"^(?<prefix>model\.layer)\.self_attn\.(?<part>q|k|v)_proj\.weight$", "${prefix}.self_attn.qkv_proj.weight", ["q", "k", "v"])],
            []);
        var target = new TinyRoot();

        using var checkpoint = SafetensorsCheckpoint.Open(dir.Path);
        var report = CheckpointLoader.Load(target, [new(checkpoint, layout)]);

        Assert.Equal(["model.rotary_emb.inv_freq"], report.Ignored);
        Assert.True(cat([q, k, v], 0).equal(target.state_dict()["layer.qkv_proj.weight"]).all().item<bool>());
    }

    [Fact]
    public void A_tied_head_is_filled_from_the_embedding_when_the_checkpoint_omits_it()
    {
        using var dir = new TempDirectory();
        var state = new TinyRoot().state_dict();
        state.Remove("head.weight");
        SafetensorsWriter.Write(dir.File("model.safetensors"), state);
        var target = new TinyRoot();

        using var checkpoint = SafetensorsCheckpoint.Open(dir.Path);
        CheckpointLoader.Load(target, [new(checkpoint, Identity)], new Dictionary<string, string> { ["head.weight"] = "embed.weight" });

        Assert.True(target.state_dict()["embed.weight"].equal(target.state_dict()["head.weight"]).all().item<bool>());
    }
}
