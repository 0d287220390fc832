using System.Runtime.Intrinsics;
using FlorenceVL.Engine.Modeling.Decoder;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Tests.Modeling;

/// <summary>
/// The fused bf16 decode layer (<see cref="CpuDecodeLayer"/>) against the reference and against the module path it
/// replaces: decode steps through the paged cache, one sequence and four at once, on the tiny Phi-3 (LongRoPE) and
/// Llama (grouped KV heads) checkpoints. Expected logits are the reference implementation's (expected.safetensors).
/// </summary>
public class CpuDecodeLayerTests(ITestOutputHelper output)
{
    private const int PromptTokens = 20;

    /// <remarks>
    /// Phi-3 only at len20: its LongRoPE picks factors by the sequence's length, so a 100-token forward (the reference)
    /// rotates positions below 64 with the long factors while decoding there uses the short ones, as HF's generate does.
    /// </remarks>
    [Theory]
    [InlineData(DecoderFixtures.Phi3, "len20", 8)]
    [InlineData(DecoderFixtures.Llama3, "len20", 8)]
    [InlineData(DecoderFixtures.Llama3, "len100", PromptTokens)]
    public void Bfloat16_decode_steps_stay_near_the_reference(string folder, string length, int prompt)
    {
        if (!Vector512.IsHardwareAccelerated) return; // such CPUs take the module path, which the parity tests cover
        using var model = DecoderFixtures.LoadModel(folder, ScalarType.BFloat16);
        using var ids = DecoderFixtures.Expected(folder, $"{length}.input_ids");
        using var expected = DecoderFixtures.Expected(folder, $"{length}.logits");
        var tokens = ids.data<long>().ToArray();
        var before = CpuDecodeLayer.LayersOnThisThread;
        using var logits = DecodeOneByOne(model, tokens, sequences: 1, prompt)[0];
        Assert.True(CpuDecodeLayer.LayersOnThisThread > before, "the decode steps did not take the fused layer");
        using var reference = expected.reshape(tokens.Length, -1).narrow(0, prompt, tokens.Length - prompt);
        var error = DecoderFixtures.RelativeError(logits, reference);
        output.WriteLine($"{folder} {length} bf16 decode logits, positions {prompt}..{tokens.Length - 1}: relative error {error:E2}");
        // The bound of the bf16 full-forward parity test: bf16 keeps 8 bits of mantissa.
        Assert.True(error < 5e-2, $"relative error {error:E2}");
    }

    [Theory]
    [InlineData(DecoderFixtures.Phi3, 1)]
    [InlineData(DecoderFixtures.Llama3, 1)]
    [InlineData(DecoderFixtures.Llama3, 4)]
    public void Fused_layer_gives_what_the_modules_give(string folder, int sequences)
    {
        if (!Vector512.IsHardwareAccelerated) return;
        using var model = DecoderFixtures.LoadModel(folder, ScalarType.BFloat16);
        using var ids = DecoderFixtures.Expected(folder, "len100.input_ids");
        var tokens = ids.data<long>().Take(60).ToArray();
        var fused = DecodeOneByOne(model, tokens, sequences);
        CpuDecodeLayer.DisabledOnThisThread = true;
        try
        {
            var modules = DecodeOneByOne(model, tokens, sequences);
            for (var s = 0; s < sequences; s++)
            {
                var error = DecoderFixtures.RelativeError(fused[s], modules[s]);
                using var equal = fused[s].eq(modules[s]);
                var share = equal.to_type(ScalarType.Float32).mean().item<float>();
                output.WriteLine($"{folder} sequence {s}: relative difference {error:E2}, {share:P1} of logits bit-identical");
                // Rounding follows the modules op for op; only the order of RMSNorm's sum of squares and SiLU's exp
                // differ, so a rare bf16 last bit flips and carries through the later layers.
                Assert.True(error < 5e-3, $"sequence {s}: relative difference {error:E2}");
                using var fusedIds = fused[s].argmax(-1);
                using var moduleIds = modules[s].argmax(-1);
                Assert.Equal(moduleIds.data<long>().ToArray(), fusedIds.data<long>().ToArray());
            }
            foreach (var t in fused.Concat(modules)) t.Dispose();
        }
        finally
        {
            CpuDecodeLayer.DisabledOnThisThread = false;
        }
    }

    /// <summary>
    /// Prefills the first tokens, then feeds the rest one step at a time; with several sequences every step decodes
    /// them together (each its own shuffled blocks, sequence i offset by i tokens so contexts differ). Returns each
    /// sequence's decode logits [steps, vocab].
    /// </summary>
    private static List<Tensor> DecodeOneByOne(CausalLM model, long[] tokens, int sequences, int prompt = PromptTokens)
    {
        using var driver = new CacheDriver(model, numBlocks: 160, blockSize: 4);
        using var noGrad = no_grad();
        for (var s = 0; s < sequences; s++) driver.Step((s, tokens[..(prompt + s)])).Single().Dispose();
        var steps = new List<Tensor>[sequences];
        for (var s = 0; s < sequences; s++) steps[s] = [];
        for (var t = prompt; t + sequences - 1 < tokens.Length; t++)
        {
            var entries = Enumerable.Range(0, sequences).Select(s => (s, new[] { tokens[t + s] })).ToArray();
            var logits = driver.Step(entries);
            for (var s = 0; s < sequences; s++) steps[s].Add(logits[s]);
        }
        return steps.Select(list =>
        {
            var stacked = cat(list, 0);
            foreach (var t in list) t.Dispose();
            return stacked;
        }).ToList();
    }
}
