using FlorenceVL.Training.Checkpointing;
using FlorenceVL.Training.Stages;
using FlorenceVL.Training.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace FlorenceVL.Training.Tests.Training;

public sealed class TrainerTests(MicroSetup setup) : IClassFixture<MicroSetup>
{
    [Fact]
    public void A_few_dozen_steps_on_a_micro_dataset_lower_the_loss()
    {
        using var output = new TempDirectory();
        var (model, examples, collator) = setup.Load();
        using var _ = model;
        var result = new Trainer(setup.Stage(output.Path, StageKind.Pretraining, maxSteps: 30), model, examples, collator, TextWriter.Null).Run();
        var first = result.History.Take(3).Average(p => p.Loss);
        var last = result.History.TakeLast(3).Average(p => p.Loss);
        Assert.True(last < 0.6 * first, $"loss went from {first:F3} to {last:F3}");
        Assert.True(File.Exists(output.Combine("loss.png")));
        Assert.Equal(30, File.ReadLines(output.Combine("log.jsonl")).Count());
    }

    [Fact]
    public void Resuming_from_a_checkpoint_gives_the_same_losses_as_an_uninterrupted_run()
    {
        using var output = new TempDirectory();
        var straight = Train(output.Combine("straight"), maxSteps: 6, saveEvery: 3);
        var (model, examples, collator) = setup.Load(output.Combine("straight", "checkpoint-3"));
        using var _ = model;
        var resumed = new Trainer(setup.Stage(output.Combine("resumed"), StageKind.Pretraining, maxSteps: 6), model, examples, collator, TextWriter.Null)
            .Run(resumeFrom: output.Combine("straight", "checkpoint-3"));
        Assert.Equal(straight.History.Select(p => p.Step), resumed.History.Select(p => p.Step));
        foreach (var (expected, actual) in straight.History.Zip(resumed.History))
            Assert.True(Math.Abs(expected.Loss - actual.Loss) <= 1e-5, $"step {expected.Step}: {expected.Loss} vs {actual.Loss}");
    }

    [Fact]
    public void Frozen_parameters_stay_bit_identical_while_the_others_train()
    {
        using var output = new TempDirectory();
        var (model, examples, collator) = setup.Load();
        using var _ = model;
        var before = model.NamedParameters.ToDictionary(p => p.Name, p => p.Parameter.detach().clone());
        new Trainer(setup.Stage(output.Path, StageKind.InstructionTuning, maxSteps: 3), model, examples, collator, TextWriter.Null).Run();
        foreach (var (name, parameter) in model.NamedParameters)
        {
            var unchanged = parameter.equal(before[name]).all().item<bool>();
            if (name.StartsWith("vision_tower.", StringComparison.Ordinal)) Assert.True(unchanged, $"{name} changed");
        }
        Assert.Contains(model.NamedParameters, p => p.Name.StartsWith("mm_projector.", StringComparison.Ordinal) && !p.Parameter.equal(before[p.Name]).all().item<bool>());
        Assert.Contains(model.NamedParameters, p => p.Name.StartsWith("language_model.", StringComparison.Ordinal) && !p.Parameter.equal(before[p.Name]).all().item<bool>());
        foreach (var tensor in before.Values) tensor.Dispose();
    }

    [Fact]
    public void A_loss_that_becomes_nan_stops_the_run_and_names_the_last_good_checkpoint()
    {
        using var output = new TempDirectory();
        Train(output.Combine("good"), maxSteps: 2, saveEvery: 1);
        var checkpoint = output.Combine("good", "checkpoint-1");
        var (model, examples, collator) = setup.Load(checkpoint);
        using var _ = model;
        using (no_grad())
            model.NamedParameters.First(p => p.Name.StartsWith("language_model.model.norm", StringComparison.Ordinal)).Parameter.fill_(double.NaN);
        var error = Assert.Throws<TrainingDivergedException>(() =>
            new Trainer(setup.Stage(output.Combine("bad"), StageKind.Pretraining, maxSteps: 2, saveEvery: 1), model, examples, collator, TextWriter.Null)
                .Run(resumeFrom: checkpoint));
        Assert.Equal(2, error.Step);
        Assert.Equal(checkpoint, error.LastGoodCheckpoint);
        Assert.Contains("NaN", error.Message);
        Assert.False(Directory.Exists(output.Combine("bad", "final")));
    }

    private TrainingResult Train(string outputDirectory, int maxSteps, int? saveEvery)
    {
        var (model, examples, collator) = setup.Load();
        using var _ = model;
        return new Trainer(setup.Stage(outputDirectory, StageKind.Pretraining, maxSteps, saveEvery), model, examples, collator, TextWriter.Null).Run();
    }
}
