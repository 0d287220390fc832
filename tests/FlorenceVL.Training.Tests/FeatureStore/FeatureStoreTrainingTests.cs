using FlorenceVL.Engine.FeatureStore;
using FlorenceVL.Training.Cli;
using FlorenceVL.Training.Commands;
using FlorenceVL.Training.Stages;
using FlorenceVL.Training.Tests.Support;
using FlorenceVL.Tests.Shared;

namespace FlorenceVL.Training.Tests.FeatureStore;

/// <summary>
/// Training reuse of the shared feature store against a real redis-server: `precompute-features` fills it once, and
/// stage 2 (tower frozen) then reads every image's DBFusion features instead of running the vision tower.
/// </summary>
public sealed class FeatureStoreTrainingTests(MicroSetup setup, RedisServer redis) : IClassFixture<MicroSetup>, IClassFixture<RedisServer>
{
    private int Precompute() => PrecomputeFeaturesCommand.Run(new CommandArguments(
        [setup.ModelDirectory, setup.Stage2.JsonPath, "--redis", redis.ConnectionString, "--images", setup.Stage2.ImageFolder]));

    [Fact]
    public async Task Stage_two_reads_precomputed_features_and_never_runs_the_vision_tower()
    {
        Assert.Equal(0, Precompute());
        var metrics = new FeatureStoreMetrics();
        await using var store = new RedisFeatureStore(new FeatureStoreOptions { Redis = redis.ConnectionString, OperationTimeout = TimeSpan.FromSeconds(5) },
            metrics);
        Assert.True(PrecomputeFeaturesCommand.WaitForConnection(store, TimeSpan.FromSeconds(15)));
        using var output = new TempDirectory();
        var (model, examples, collator) = setup.Load(featureStore: store);
        using var _ = model;

        var result = new Trainer(setup.Stage(output.Path, StageKind.InstructionTuning, maxSteps: 3), model, examples, collator, TextWriter.Null).Run();

        Assert.True(model.FrozenFeatures.NumImagesEncoded == 0,
            $"{model.FrozenFeatures.NumImagesEncoded} images encoded; store failures {metrics.Failures}, invalid entries {metrics.InvalidEntries}, hits {model.FrozenFeatures.NumStoreHits}");
        Assert.True(model.FrozenFeatures.NumStoreHits > 0, "every image should have come from the store");
        Assert.All(result.History, p => Assert.True(double.IsFinite(p.Loss)));
    }

    [Fact]
    public void Precomputing_twice_encodes_nothing_the_second_time()
    {
        Assert.Equal(0, Precompute());
        var console = Console.Out;
        using var captured = new StringWriter();
        Console.SetOut(captured);
        try { Assert.Equal(0, Precompute()); }
        finally { Console.SetOut(console); }
        Assert.Contains(" 0 encoded", captured.ToString());
    }
}
