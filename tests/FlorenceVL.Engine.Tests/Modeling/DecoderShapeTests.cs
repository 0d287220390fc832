using FlorenceVL.Engine.Configuration;
using FlorenceVL.Engine.Modeling;
using FlorenceVL.Engine.Modeling.Decoder;

namespace FlorenceVL.Engine.Tests.Modeling;

/// <summary>The real decoders built on the meta device: HF's state-dict names and shapes, no weights allocated.</summary>
public class DecoderShapeTests
{
    [Fact]
    public void Phi35_mini_on_meta_has_the_reference_parameter_count()
    {
        using var model = BuildOnMeta(TextConfig.Phi35Mini);
        // Measured with the reference: Phi3ForCausalLM(Phi-3.5-mini-instruct config).num_parameters().
        Assert.Equal(3_821_079_552L, model.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Phi35_mini_on_meta_has_hf_names_and_shapes()
    {
        using var model = BuildOnMeta(TextConfig.Phi35Mini);
        var expected = HfShapes(layers: 32, vocab: 32064, hidden: 3072, qkvRows: 9216, gateUpRows: 16384, intermediate: 8192);
        Assert.Equal(expected, Shapes(model));
    }

    [Fact]
    public void Llama31_8b_on_meta_has_hf_names_with_fused_projection_shapes()
    {
        using var model = BuildOnMeta(TextConfig.Llama31_8B);
        // q [4096] + k [1024] + v [1024] rows fused; gate [14336] + up [14336] rows fused.
        var expected = HfShapes(layers: 32, vocab: 128257, hidden: 4096, qkvRows: 6144, gateUpRows: 28672, intermediate: 14336);
        Assert.Equal(expected, Shapes(model));
    }

    private static CausalLM BuildOnMeta(TextConfig config)
    {
        Runtime.TorchRuntime.EnsureLoadable();
        var model = new CausalLM(config, ModelPlacement.Meta);
        Assert.All(model.parameters(), p => Assert.Equal(TorchSharp.DeviceType.META, p.device_type));
        return model;
    }

    private static SortedDictionary<string, string> Shapes(CausalLM model) =>
        new(model.state_dict().ToDictionary(kv => kv.Key, kv => string.Join("x", kv.Value.shape)), StringComparer.Ordinal);

    private static SortedDictionary<string, string> HfShapes(int layers, int vocab, int hidden, int qkvRows, int gateUpRows, int intermediate)
    {
        var shapes = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["model.embed_tokens.weight"] = $"{vocab}x{hidden}",
            ["model.norm.weight"] = $"{hidden}",
            ["lm_head.weight"] = $"{vocab}x{hidden}",
        };
        for (var i = 0; i < layers; i++)
        {
            var layer = $"model.layers.{i}.";
            shapes[layer + "self_attn.qkv_proj.weight"] = $"{qkvRows}x{hidden}";
            shapes[layer + "self_attn.o_proj.weight"] = $"{hidden}x{hidden}";
            shapes[layer + "mlp.gate_up_proj.weight"] = $"{gateUpRows}x{hidden}";
            shapes[layer + "mlp.down_proj.weight"] = $"{hidden}x{intermediate}";
            shapes[layer + "input_layernorm.weight"] = $"{hidden}";
            shapes[layer + "post_attention_layernorm.weight"] = $"{hidden}";
        }
        return shapes;
    }
}
