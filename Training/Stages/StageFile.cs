using System.Text.Json;
using System.Text.Json.Serialization;
using FlorenceVL.Training.Data;

namespace FlorenceVL.Training.Stages;

/// <summary>
/// Reads a stage file (JSON, snake_case). Only "stage", "model", "output" and "train" are required; the rest default
/// to the paper's recipe for that stage. Relative paths are relative to the stage file.
/// <code>
/// { "stage": "pretraining", "model": "init", "output": "runs/stage1",
///   "train": { "json": "data/stage1_train.json", "images": "data/images" },
///   "trainable": ["vision_tower", "projector", "llm"], "learning_rate": 1e-5, "learning_rates": { "projector": 1e-4 },
///   "epochs": 1, "max_steps": null, "batch_size": 16, "grad_accumulation": 1, "warmup_ratio": 0.03,
///   "weight_decay": 0.0, "max_grad_norm": 1.0, "seed": 42, "dtype": "float32", "device": "cpu",
///   "max_length": 2048, "save_every": 500, "log_every": 10, "skip_bad": false, "group_by_length": true }
/// </code>
/// </summary>
public static class StageFile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static StageConfig Load(string path)
    {
        if (!File.Exists(path)) throw new StageFileException($"stage file '{path}' not found.");
        StageFileDto dto;
        try { dto = JsonSerializer.Deserialize<StageFileDto>(File.ReadAllText(path), Json) ?? throw new StageFileException($"{path} is empty."); }
        catch (JsonException e) { throw new StageFileException($"{path}: {e.Message}"); }
        return Resolve(dto, Path.GetDirectoryName(Path.GetFullPath(path))!, path);
    }

    internal static StageConfig Resolve(StageFileDto dto, string baseDirectory, string file)
    {
        var kind = StageDefaults.Parse(dto.Stage, file);
        string Required(string? value, string field) => value is { Length: > 0 }
            ? Path.GetFullPath(Path.Combine(baseDirectory, value))
            : throw new StageFileException($"{file}: \"{field}\" is required.");
        var trainable = dto.Trainable?.Select(ModelParts.Parse).ToList() ?? StageDefaults.Trainable(kind).ToList();
        var baseRate = dto.LearningRate ?? StageDefaults.LearningRate(kind);
        var overrides = (dto.LearningRates ?? []).ToDictionary(p => ModelParts.Parse(p.Key), p => p.Value);
        var frozen = overrides.Keys.Where(p => !trainable.Contains(p)).Select(ModelParts.Key).ToList();
        if (frozen.Count > 0)
            throw new StageFileException($"{file}: \"learning_rates\" sets {string.Join(", ", frozen)}, which \"trainable\" leaves frozen.");
        var rates = trainable.Distinct().ToDictionary(p => p, p => overrides.GetValueOrDefault(p, baseRate));
        var optimization = new OptimizationSettings(
            rates, dto.Epochs ?? 1, dto.MaxSteps, dto.BatchSize ?? 16, dto.GradAccumulation ?? 1, dto.WarmupRatio ?? 0.03,
            dto.WeightDecay ?? 0.0, dto.MaxGradNorm ?? 1.0, GroupByLength: dto.GroupByLength ?? true);
        var config = new StageConfig(
            dto.Name ?? Path.GetFileNameWithoutExtension(file),
            kind,
            Required(dto.Model, "model"),
            ResolveData(dto.Train, baseDirectory, file, "train") ?? throw new StageFileException($"{file}: \"train\" is required."),
            ResolveData(dto.Eval, baseDirectory, file, "eval"),
            optimization,
            new OutputSettings(Required(dto.Output, "output"), dto.SaveEvery, dto.LogEvery ?? 10, dto.SaveDtype),
            dto.Seed ?? 42,
            dto.Dtype ?? "float32",
            dto.Device ?? "cpu",
            dto.MaxLength ?? 2048,
            dto.SkipBad ?? false);
        Validate(config, file);
        return config;
    }

    private static DatasetSource? ResolveData(DataDto? data, string baseDirectory, string file, string field)
    {
        if (data is null) return null;
        if (string.IsNullOrEmpty(data.Json) || string.IsNullOrEmpty(data.Images))
            throw new StageFileException($"{file}: \"{field}\" needs \"json\" and \"images\".");
        return new DatasetSource(Path.GetFullPath(Path.Combine(baseDirectory, data.Json)), Path.GetFullPath(Path.Combine(baseDirectory, data.Images)));
    }

    private static void Validate(StageConfig config, string file)
    {
        var o = config.Optimization;
        void Require(bool ok, string message) { if (!ok) throw new StageFileException($"{file}: {message}"); }
        Require(config.TrainableParts.Count > 0, "\"trainable\" is empty: nothing would train.");
        Require(o.LearningRates.Values.All(r => r > 0 && double.IsFinite(r)), "learning rates must be positive.");
        Require(o.Epochs >= 1, "\"epochs\" must be at least 1.");
        Require(o.MaxSteps is null or >= 1, "\"max_steps\" must be at least 1.");
        Require(o.BatchSize >= 1 && o.GradAccumulation >= 1, "\"batch_size\" and \"grad_accumulation\" must be at least 1.");
        Require(o.WarmupRatio is >= 0 and < 1, "\"warmup_ratio\" must lie in [0, 1).");
        Require(o.WeightDecay >= 0 && o.MaxGradNorm > 0, "\"weight_decay\" must be >= 0 and \"max_grad_norm\" > 0.");
        Require(config.DType is "float32" or "bfloat16", "\"dtype\" must be float32 or bfloat16.");
        Require(config.Output.SaveDType is null or "float32" or "bfloat16", "\"save_dtype\" must be float32 or bfloat16.");
        Require(config.Output.SaveEvery is null or >= 1 && config.Output.LogEvery >= 1, "\"save_every\" and \"log_every\" must be at least 1.");
        Require(config.MaxLength >= 16, "\"max_length\" must be at least 16.");
    }
}

/// <summary>The stage file as written; <see cref="StageFile"/> resolves it into a <see cref="StageConfig"/>.</summary>
internal sealed record StageFileDto(
    string? Stage, string? Name, string? Model, string? Output, DataDto? Train, DataDto? Eval,
    IReadOnlyList<string>? Trainable, double? LearningRate, Dictionary<string, double>? LearningRates,
    int? Epochs, int? MaxSteps, int? BatchSize, int? GradAccumulation, double? WarmupRatio, double? WeightDecay,
    double? MaxGradNorm, int? Seed, string? Dtype, string? Device, int? MaxLength, int? SaveEvery, int? LogEvery,
    string? SaveDtype, bool? SkipBad, bool? GroupByLength);

internal sealed record DataDto(string? Json, string? Images);
