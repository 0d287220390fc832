using FlorenceVL.Engine.Parity;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Tests.Parity;

/// <summary>The `parity` command's engine, end to end on the committed fixtures: every reference tensor, fp32 and bf16.</summary>
public class ParityRunnerTests(ITestOutputHelper output)
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    [Theory]
    [InlineData("florence-vl-tiny", 11)]
    [InlineData("phi3-tiny", 3)]
    [InlineData("llama3-tiny", 3)]
    public void Every_reference_tensor_matches_in_float32(string fixture, int expectedTensors)
    {
        var results = ParityRunner.Run(Fixture(fixture), ScalarType.Float32);
        foreach (var result in results) output.WriteLine(result.ToString());

        Assert.Equal(expectedTensors, results.Count);
        Assert.All(results, r => Assert.True(r.Passed, r.ToString()));
    }

    [Fact]
    public void The_whole_pipeline_in_bfloat16_stays_close_and_the_errors_are_reported()
    {
        var results = ParityRunner.Run(Fixture("florence-vl-tiny"), ScalarType.BFloat16, tolerance: 5e-2);
        foreach (var result in results) output.WriteLine($"bf16 {result}");

        Assert.All(results.Where(r => r.Name.EndsWith("logits") || r.Name == "visual_embeds"), r => Assert.True(r.Passed, r.ToString()));
    }

    [Fact]
    public void A_folder_without_reference_tensors_is_a_clear_error()
    {
        var error = Assert.ThrowsAny<Exception>(() => ParityRunner.Run(Fixture("tokenizer-spm"), ScalarType.Float32));
        Assert.Contains("expected.safetensors", error.Message);
    }
}
