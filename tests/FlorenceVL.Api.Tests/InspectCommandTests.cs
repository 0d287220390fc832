using FlorenceVL.Api.Tests.Infrastructure;
using FlorenceVL.Engine.Weights;
using static TorchSharp.torch;

namespace FlorenceVL.Api.Tests;

/// <summary>
/// `inspect` as a user runs it (the built server executable with the sub-command): a report for a good folder, and for
/// broken ones (a missing shard, a wrong shape, an unknown model type, no tokenizer) a clear reason and exit 1, never a
/// stack trace; bad arguments exit 2.
/// </summary>
public sealed class InspectCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("florencevl-inspect-").FullName;

    private static async Task<ExternalProgram.Result> Inspect(params string[] args) =>
        await ExternalProgram.RunAsync("dotnet", [Repository.ApiAssembly, "inspect", .. args], Repository.Root, timeout: TimeSpan.FromMinutes(3));

    private static void AssertNoStackTrace(ExternalProgram.Result run)
    {
        Assert.DoesNotContain("Unhandled exception", run.StandardOutput + run.StandardError);
        Assert.DoesNotContain("   at ", run.StandardOutput + run.StandardError);
    }

    /// <summary>A copy of the test model (models/florence-vl-tiny) whose weights can be rewritten.</summary>
    private string CopyOfTinyModel()
    {
        var source = Repository.Path("models", "florence-vl-tiny");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_dir, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target); // copies the symlinked weights' contents
        }
        return _dir;
    }

    [Fact]
    public async Task A_good_folder_is_described_and_servable()
    {
        var run = await Inspect(Repository.Path("models", "florence-vl-tiny"), "--dtype", "bfloat16", "--context", "256", "--sequences", "4");

        Assert.True(run.ExitCode == 0, run.StandardOutput + run.StandardError);
        Assert.Contains("model type   llava_phi", run.StandardOutput);
        Assert.Contains("0 missing, 0 wrong shape", run.StandardOutput);
        Assert.Contains("256 tokens of context x 4 sequence(s)", run.StandardOutput);
        // 2 layers x K and V x 4 heads x 16 dims x 2 bytes (bf16) per token, from config.json.
        Assert.Contains("(512 bytes per token)", run.StandardOutput);
        Assert.Contains("verdict      servable", run.StandardOutput);
    }

    [Fact]
    public async Task A_missing_shard_is_named()
    {
        var dir = CopyOfTinyModel();
        File.Move(Path.Combine(dir, "model.safetensors"), Path.Combine(dir, "model-00001-of-00002.safetensors"));
        File.WriteAllText(Path.Combine(dir, "model.safetensors.index.json"),
            """{"weight_map": {"lm_head.weight": "model-00002-of-00002.safetensors", "model.norm.weight": "model-00001-of-00002.safetensors"}}""");

        var run = await Inspect(dir);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("model-00002-of-00002.safetensors", run.StandardOutput);
        Assert.Contains("not found", run.StandardOutput);
        AssertNoStackTrace(run);
    }

    [Fact]
    public async Task A_tensor_of_the_wrong_shape_is_listed_with_both_shapes()
    {
        var dir = CopyOfTinyModel();
        var weights = Path.Combine(dir, "model.safetensors");
        var tensors = new Dictionary<string, Tensor>();
        using (var file = SafetensorsFile.Open(weights))
            foreach (var name in file.Entries.Keys) tensors[name] = file.Load(name);
        tensors["model.norm.weight"] = ones(65);
        SafetensorsWriter.Write(weights, tensors);

        var run = await Inspect(dir);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("wrong shape: 1", run.StandardOutput);
        Assert.Contains("tensor 'model.norm.weight' (for 'language_model.model.norm.weight') has shape [65] but the model expects [64]", run.StandardOutput);
        Assert.Contains("NOT servable", run.StandardOutput);
        AssertNoStackTrace(run);
    }

    [Fact]
    public async Task An_unknown_model_type_says_which_ones_are_supported()
    {
        var dir = CopyOfTinyModel();
        var config = Path.Combine(dir, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"llava_phi\"", "\"llava_mistral\""));

        var run = await Inspect(dir);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("'llava_mistral' is not a Florence-VL model (expected llava_phi or llava_llama)", run.StandardOutput);
        AssertNoStackTrace(run);
    }

    [Fact]
    public async Task A_folder_without_a_tokenizer_is_not_servable()
    {
        var dir = CopyOfTinyModel();
        File.Delete(Path.Combine(dir, "tokenizer.model"));

        var run = await Inspect(dir);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("tokenizer    MISSING", run.StandardOutput);
    }

    [Fact]
    public async Task A_server_started_on_a_broken_folder_stops_and_points_at_inspect()
    {
        var dir = CopyOfTinyModel();
        var config = Path.Combine(dir, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"vocab_size\": 1024", "\"vocab_size\": 1000"));
        await using var server = ServerProcess.Start(extraArgs: ["--model", dir]);

        var exitCode = await server.WaitForExitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(1, exitCode);
        Assert.Contains("has shape [1024, 64] but the model expects [1000, 64]", server.Output);
        Assert.Contains($"-- inspect {dir}", server.Output);
        Assert.DoesNotContain("   at ", server.Output);
    }

    [Theory]
    [InlineData]
    [InlineData("models/florence-vl-tiny", "--dtype", "int8")]
    [InlineData("models/florence-vl-tiny", "--context", "-5")]
    [InlineData("models/florence-vl-tiny", "--colour", "blue")]
    public async Task Bad_arguments_print_the_usage_and_exit_2(params string[] args)
    {
        var run = await Inspect(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("usage: inspect <checkpoint folder>", run.StandardOutput);
        AssertNoStackTrace(run);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
