using FlorenceVL.Api.Hosting;
using FlorenceVL.Engine.Serving;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlorenceVL.Api.Tests.Infrastructure;

/// <summary>Tight limits (so hostile inputs stay cheap) and "localhost" allow-listed for the test image origin.</summary>
public sealed class HardenedFactory : ApiFactory
{
    public const int MaxRequestBodyBytes = 64 * 1024;
    public const int MaxImageBytes = 16 * 1024;
    public const int MaxImagesPerRequest = 2;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["FlorenceVL:Limits:MaxRequestBodyBytes"] = MaxRequestBodyBytes.ToString(),
        ["FlorenceVL:Limits:MaxImageBytes"] = MaxImageBytes.ToString(),
        ["FlorenceVL:Limits:MaxImagesPerRequest"] = MaxImagesPerRequest.ToString(),
        ["FlorenceVL:Limits:MaxImagePixels"] = (4096 * 4096).ToString(),
        ["FlorenceVL:RemoteImages:AllowedHosts:0"] = "localhost",
        ["FlorenceVL:RemoteImages:TimeoutSeconds"] = "1",
        ["FlorenceVL:RemoteImages:MaxRetries"] = "1",
    };
}

/// <summary>One running sequence and one waiting: the next request is refused (429).</summary>
public sealed class TinyQueueFactory : ApiFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["FlorenceVL:Scheduler:MaxNumSeqs"] = "1",
        ["FlorenceVL:Scheduler:MaxWaiting"] = "1",
    };
}

/// <summary>
/// Holds the real model load until <see cref="FinishLoading"/>: the real engine loads the tiny model in about a second,
/// too fast to observe the loading state otherwise. The engine itself is the real one.
/// </summary>
public sealed class SlowLoadingFactory : ApiFactory
{
    private readonly ManualResetEventSlim _gate = new();

    public void FinishLoading() => _gate.Set();

    protected override void ConfigureServices(IServiceCollection services) =>
        services.Replace(ServiceDescriptor.Singleton<IEngineLoader>(new GatedLoader(_gate)));

    protected override void Dispose(bool disposing)
    {
        _gate.Set();
        base.Dispose(disposing);
    }

    private sealed class GatedLoader(ManualResetEventSlim gate) : IEngineLoader
    {
        public IInferenceEngine Load(EngineOptions options)
        {
            gate.Wait();
            return new InferenceEngineLoader().Load(options);
        }
    }
}

/// <summary>
/// The random-weight test model with room for tool definitions, which take a few hundred of its 1,024-piece
/// vocabulary's tokens: a copy whose config declares 1,024 positions instead of 256 (its LongRoPE tables extend; the
/// weights are the same random ones, so nothing about answers changes but the room).
/// </summary>
public sealed class LongContextFactory : ApiFactory
{
    public const int MaxSchemaBytes = 4096;

    private readonly string _folder = CopyWithPositions(1024);

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["FlorenceVL:Model:Path"] = _folder,
        ["FlorenceVL:Limits:MaxSchemaBytes"] = MaxSchemaBytes.ToString(),
    };

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        try { Directory.Delete(Path.GetDirectoryName(_folder)!, recursive: true); } catch (IOException) { }
    }

    private static string CopyWithPositions(int positions)
    {
        var source = Repository.Path("models", Model);
        var folder = Path.Combine(Directory.CreateTempSubdirectory("florencevl-long-").FullName, Model);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(folder, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target); // follows the weights' link to the fixture
        }
        var config = Path.Combine(folder, "config.json");
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(config))!;
        node["max_position_embeddings"] = positions;
        File.WriteAllText(config, node.ToJsonString());
        return folder;
    }
}
