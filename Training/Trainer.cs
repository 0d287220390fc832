using System.Diagnostics;
using FlorenceVL.Engine.Runtime;
using FlorenceVL.Training.Checkpointing;
using FlorenceVL.Training.Data;
using FlorenceVL.Training.Logging;
using FlorenceVL.Training.Modeling;
using FlorenceVL.Training.Optimization;
using FlorenceVL.Training.Stages;
using TorchSharp;
using static TorchSharp.torch;

namespace FlorenceVL.Training;

/// <summary>What a finished run leaves behind.</summary>
public sealed record TrainingResult(int NumSteps, IReadOnlyList<LossPoint> History, string FinalCheckpoint);

/// <summary>
/// One stage of training, read top to bottom:
/// <code>
///   for each optimiser step:
///     lr = base rate * schedule(step)                       (per parameter group)
///     for each of grad_accumulation micro-batches:  loss = model.Loss(batch); (loss / accumulation).backward()
///     clip gradients; optimizer.step(); log; checkpoint every save_every steps
/// </code>
/// A non-finite loss stops the run before the optimiser step, so the weights and checkpoints stay good. Each step runs
/// inside a <see cref="CollectionPause"/>: TorchSharp's optimiser and ops make temporary native Scalars that a
/// collection in mid-call would free under libtorch.
/// </summary>
public sealed class Trainer(StageConfig stage, ITrainableModel model, IReadOnlyList<TrainingExample> examples, BatchCollator collator, TextWriter console)
{
    public int TotalSteps => stage.Optimization.MaxSteps
        ?? stage.Optimization.Epochs * ((Batcher().NumBatchesPerEpoch + stage.Optimization.GradAccumulation - 1) / stage.Optimization.GradAccumulation);

    public TrainingResult Run(string? resumeFrom = null)
    {
        var o = stage.Optimization;
        var groups = ParameterGroups.Build(model.NamedParameters, stage);
        using var optimizer = ParameterGroups.AdamW(groups, o);
        torch.manual_seed(stage.Seed);
        var state = resumeFrom is null ? TrainerState.Start(stage.Name) : TrainerStateStore.Load(resumeFrom, optimizer, groups);
        var schedule = LearningRateSchedule.FromWarmupRatio(TotalSteps, o.WarmupRatio);
        var cursor = new BatchCursor(Batcher(), state.Position);
        var history = state.History.ToList();
        var trainable = groups.SelectMany(g => g.Parameters.Select(p => p.Parameter)).ToList();
        string? lastCheckpoint = resumeFrom;
        Directory.CreateDirectory(stage.Output.Directory);
        using var log = new TrainingLog(Path.Combine(stage.Output.Directory, "log.jsonl"), TotalSteps, stage.Output.LogEvery, console);
        var clock = Stopwatch.StartNew();
        var unpausedSteps = 0;
        for (var step = state.Step; step < TotalSteps; step++)
        {
            var factor = schedule.Factor(step);
            ParameterGroups.ApplySchedule(optimizer, groups, factor);
            optimizer.zero_grad();
            var started = clock.Elapsed;
            double loss, gradNorm;
            int tokens;
            using (var pause = CollectionPause.Begin())
            {
                (loss, tokens) = AccumulateGradients(cursor, o.GradAccumulation);
                if (!double.IsFinite(loss)) throw new TrainingDivergedException(step + 1, loss, lastCheckpoint);
                gradNorm = nn.utils.clip_grad_norm_(trainable, o.MaxGradNorm);
                optimizer.step();
                if (!pause.HeldThroughout) unpausedSteps++;
            }
            history.Add(new LossPoint(step + 1, loss));
            var seconds = (clock.Elapsed - started).TotalSeconds;
            log.Step(new StepRecord(step + 1, cursor.Position.Epoch, loss, groups[0].BaseLearningRate * factor, gradNorm, tokens,
                tokens / Math.Max(seconds, 1e-9), clock.Elapsed.TotalSeconds));
            if (stage.Output.SaveEvery is { } every && (step + 1) % every == 0 && step + 1 < TotalSteps)
                lastCheckpoint = Save($"checkpoint-{step + 1}", new TrainerState(step + 1, cursor.Position, history, stage.Name), optimizer, groups);
        }
        if (unpausedSteps > 0)
            console.WriteLine($"note: {unpausedSteps} steps outgrew the collection pause ({CollectionPause.DefaultBudgetBytes >> 20} MiB) and ran with collections on.");
        var final = Save("final", new TrainerState(TotalSteps, cursor.Position, history, stage.Name), optimizer, groups);
        LossCurvePlot.Write(Path.Combine(stage.Output.Directory, "loss.png"), history, $"{stage.Name}: training loss");
        return new TrainingResult(TotalSteps, history, final);
    }

    private (double Loss, int Tokens) AccumulateGradients(BatchCursor cursor, int accumulation)
    {
        var total = 0.0;
        var tokens = 0;
        for (var micro = 0; micro < accumulation; micro++)
        {
            using var scope = NewDisposeScope();
            using var batch = collator.Collate(cursor.Next().Select(i => examples[i]).ToList());
            var loss = model.Loss(batch);
            var value = loss.item<float>();
            if (!float.IsFinite(value)) return (value, tokens);
            (loss / accumulation).backward();
            total += value / accumulation;
            tokens += batch.NumTokens;
        }
        return (total, tokens);
    }

    private string Save(string name, TrainerState state, optim.Optimizer optimizer, IReadOnlyList<ParameterGroup> groups)
    {
        var directory = Path.Combine(stage.Output.Directory, name);
        var saveDType = stage.Output.SaveDType switch { "bfloat16" => ScalarType.BFloat16, "float32" => ScalarType.Float32, _ => (ScalarType?)null };
        CheckpointWriter.Write(directory, model.StateDict(), stage.ModelDirectory, saveDType);
        TrainerStateStore.Save(directory, state, optimizer, groups);
        return directory;
    }

    // A mega-batch of one batch only reorders within the batch: plain shuffled batches.
    private LengthGroupedBatcher Batcher() => new(examples.Select(e => e.Length).ToList(), stage.Optimization.BatchSize, stage.Seed,
        megabatchFactor: stage.Optimization.GroupByLength ? LengthGroupedBatcher.DefaultMegabatchFactor : 1);
}
