using FlorenceVL.Training.Data;

namespace FlorenceVL.Training.Stages;

/// <summary>
/// Optimisation settings of a stage (AdamW, cosine schedule with warm-up, accumulation, clipping). GroupByLength
/// batches similar lengths together (LLaVA's sampler); where length follows the kind of example (one question type per
/// length), that makes batches of one kind, so it can be turned off for plain shuffled batches.
/// </summary>
public sealed record OptimizationSettings(
    IReadOnlyDictionary<ModelPart, double> LearningRates,
    int Epochs,
    int? MaxSteps,
    int BatchSize,
    int GradAccumulation,
    double WarmupRatio,
    double WeightDecay,
    double MaxGradNorm,
    double Beta1 = 0.9,
    double Beta2 = 0.999,
    double Eps = 1e-8,
    bool GroupByLength = true);

/// <summary>Where and how often the run writes: checkpoints every SaveEvery optimiser steps (and at the end), logs every LogEvery.</summary>
public sealed record OutputSettings(string Directory, int? SaveEvery, int LogEvery, string? SaveDType);

/// <summary>
/// One training stage, resolved from a stage file: the starting checkpoint, the data, which parts train (those with a
/// learning rate), and the run settings. Paths are absolute.
/// </summary>
public sealed record StageConfig(
    string Name,
    StageKind Kind,
    string ModelDirectory,
    DatasetSource Train,
    DatasetSource? Eval,
    OptimizationSettings Optimization,
    OutputSettings Output,
    int Seed,
    string DType,
    string Device,
    int MaxLength,
    bool SkipBad)
{
    public IReadOnlyCollection<ModelPart> TrainableParts => Optimization.LearningRates.Keys.ToList();

    public bool Trains(ModelPart part) => Optimization.LearningRates.ContainsKey(part);
}
