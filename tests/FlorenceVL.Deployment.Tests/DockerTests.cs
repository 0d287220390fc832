using System.Text.Json;
using FlorenceVL.Deployment.Tests.Infrastructure;

namespace FlorenceVL.Deployment.Tests;

/// <summary>
/// No Docker engine runs here: the CPU Dockerfile's build stage is run outside Docker by
/// scripts/verify-docker-commands.sh, and the published output is started the way the runtime stage starts it,
/// with the runtime stage's environment and its HEALTHCHECK command.
/// </summary>
public sealed class DockerTests(DockerBuildStage build) : IClassFixture<DockerBuildStage>
{
    [Fact]
    public void The_script_executed_every_instruction_of_the_build_stage()
    {
        var executed = build.Transcript.Split('\n').Where(l => l.StartsWith("executed: ")).Select(l => l["executed: ".Length..].Trim()).ToList();

        Assert.Equal(Dockerfile.Load(DockerBuildStage.CpuDockerfile).BuildStage.Select(i => i.ToString()), executed);
        Assert.Contains(executed, i => i.StartsWith("RUN dotnet restore ") && i.Contains("-r linux-x64"));
        Assert.Contains(executed, i => i.StartsWith("RUN dotnet publish ") && i.Contains("-r linux-x64") && i.Contains("--self-contained false"));
    }

    [Fact]
    public void Runtime_stage_copies_what_the_build_stage_produced()
    {
        var copies = Dockerfile.Load(DockerBuildStage.CpuDockerfile).RuntimeStage
            .Where(i => i.Keyword == "COPY" && i.Arguments.StartsWith("--from=build ")).Select(i => i.Arguments.Split(' ')[1]).ToList();

        Assert.Equal(2, copies.Count);
        Assert.All(copies, source => Assert.True(Directory.Exists(build.Root + source), $"{source} was not produced by the build stage"));
        Assert.True(File.Exists(Path.Combine(build.Root + "/src/out/app", "FlorenceVL.Api.dll")));
        Assert.True(new FileInfo(Path.Combine(build.Root + "/src/out/model", "model.safetensors")).LinkTarget is null, "the model weights are still a link");
    }

    [Fact]
    public void Cuda_dockerfile_builds_exactly_like_the_cpu_one_with_the_cuda_backend()
    {
        var cpu = Dockerfile.Load(DockerBuildStage.CpuDockerfile).BuildStage.Select(i => i.ToString()).ToList();
        var cuda = Dockerfile.Load("docker/Dockerfile.cuda").BuildStage.Select(i => i.ToString()).ToList();

        Assert.Equal(cpu.Select(i => i.Replace("ARG TORCH_BACKEND=cpu", "ARG TORCH_BACKEND=cuda")), cuda);
    }

    [Fact]
    public async Task Cuda_backend_switch_references_the_cuda_natives_instead_of_the_cpu_ones()
    {
        var cuda = await PackageReferencesAsync("cuda");
        var cpu = await PackageReferencesAsync("cpu");

        Assert.Contains("TorchSharp-cuda-linux", cuda);
        Assert.DoesNotContain("libtorch-cpu-linux-x64", cuda);
        Assert.Contains("libtorch-cpu-linux-x64", cpu);
    }

    [Fact]
    public async Task Published_app_started_as_the_image_starts_it_passes_the_healthcheck_and_serves_the_baked_model()
    {
        var runtime = Dockerfile.Load(DockerBuildStage.CpuDockerfile).RuntimeStage;
        var environment = Dockerfile.Environment(runtime);
        var healthcheck = runtime.Single(i => i.Keyword == "HEALTHCHECK").Arguments;
        Assert.Contains("/usr/local/bin/florencevl-healthcheck", healthcheck);
        Assert.Contains("COPY --chmod=0755 docker/healthcheck.sh /usr/local/bin/florencevl-healthcheck", runtime.Select(i => i.ToString()));
        Assert.Equal("[\"dotnet\", \"/app/FlorenceVL.Api.dll\"]", runtime.Single(i => i.Keyword == "ENTRYPOINT").Arguments);

        // The image's paths, moved under the staged build root; Urls is replaced by the test's free port.
        environment["FlorenceVL__Model__Path"] = build.Root + "/src/out/model";
        environment["FLORENCEVL_NATIVE_CACHE"] = Path.Combine(build.StageFolder, "tmp", "florencevl-native");
        environment["TMPDIR"] = Path.Combine(build.StageFolder, "tmp");
        environment.Remove("Urls");
        Directory.CreateDirectory(environment["TMPDIR"]);

        await using var server = ServerProcess.Start(environment, build.Root + "/src/out/app/FlorenceVL.Api.dll");
        var beforeListening = await HealthcheckAsync(server.Port);
        await server.WaitUntilReadyAsync();
        var whenReady = await HealthcheckAsync(server.Port);
        using var client = server.CreateClient();
        var models = JsonDocument.Parse(await client.GetStringAsync("/v1/models"));

        Assert.NotEqual(0, beforeListening);
        Assert.Equal(0, whenReady);
        Assert.Equal("model", models.RootElement.GetProperty("data")[0].GetProperty("id").GetString());
    }

    private static async Task<int> HealthcheckAsync(int port) =>
        (await Commands.RunAsync(Repository.Path("docker", "healthcheck.sh"), [], TimeSpan.FromSeconds(30),
            new Dictionary<string, string> { ["FLORENCEVL_HEALTH_PORT"] = port.ToString() })).ExitCode;

    private static async Task<string[]> PackageReferencesAsync(string backend)
    {
        var result = await Commands.RunAsync("dotnet",
            ["msbuild", "Engine/FlorenceVL.Engine.csproj", "-getItem:PackageReference", $"-p:TorchBackend={backend}"], TimeSpan.FromMinutes(2));
        Assert.True(result.ExitCode == 0, result.Transcript);
        return JsonDocument.Parse(result.StandardOutput).RootElement.GetProperty("Items").GetProperty("PackageReference")
            .EnumerateArray().Select(e => e.GetProperty("Identity").GetString()!).ToArray();
    }
}

/// <summary>Runs scripts/verify-docker-commands.sh once for the class: restore and publish as the CPU image does.</summary>
public sealed class DockerBuildStage : IAsyncLifetime
{
    public const string CpuDockerfile = "docker/Dockerfile.cpu";

    public string StageFolder { get; } = Directory.CreateTempSubdirectory("florencevl-docker-").FullName;

    public string Root => Path.Combine(StageFolder, "root");

    public string Transcript { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var result = await Commands.RunAsync(Repository.Path("scripts", "verify-docker-commands.sh"), [CpuDockerfile, StageFolder], TimeSpan.FromMinutes(10));
        Transcript = result.Transcript;
        Assert.True(result.ExitCode == 0, $"verify-docker-commands.sh failed:\n{result.Transcript}");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(StageFolder, recursive: true);
        return Task.CompletedTask;
    }
}
