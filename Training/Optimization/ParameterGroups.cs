using FlorenceVL.Training.Stages;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlorenceVL.Training.Optimization;

/// <summary>One AdamW parameter group: a model part's matrices (decayed) or its vectors (biases, norms: never decayed).</summary>
public sealed record ParameterGroup(ModelPart Part, bool Decays, double BaseLearningRate, IReadOnlyList<(string Name, Parameter Parameter)> Parameters);

/// <summary>
/// Freezes what the stage leaves out (requires_grad off) and groups the rest per part, so every part has its own
/// learning rate; weight decay applies to matrices only, as LLaVA's trainer does.
/// </summary>
public static class ParameterGroups
{
    public static IReadOnlyList<ParameterGroup> Build(IReadOnlyList<(string Name, Parameter Parameter)> parameters, StageConfig stage)
    {
        foreach (var (name, parameter) in parameters)
            parameter.requires_grad = stage.Trains(ModelParts.OfParameter(name));
        var groups = new List<ParameterGroup>();
        foreach (var part in ModelParts.All.Where(stage.Trains))
        {
            var members = parameters.Where(p => ModelParts.OfParameter(p.Name) == part).ToList();
            var rate = stage.Optimization.LearningRates[part];
            groups.Add(new ParameterGroup(part, true, rate, members.Where(p => p.Parameter.dim() >= 2).ToList()));
            groups.Add(new ParameterGroup(part, false, rate, members.Where(p => p.Parameter.dim() < 2).ToList()));
        }
        return groups.Where(g => g.Parameters.Count > 0).ToList();
    }

    public static optim.Optimizer AdamW(IReadOnlyList<ParameterGroup> groups, OptimizationSettings settings) =>
        optim.AdamW(
            groups.Select(g => new AdamW.ParamGroup(
                g.Parameters.Select(p => p.Parameter), lr: g.BaseLearningRate, beta1: settings.Beta1, beta2: settings.Beta2, eps: settings.Eps,
                weight_decay: g.Decays ? settings.WeightDecay : 0.0)).ToList(),
            beta1: settings.Beta1, beta2: settings.Beta2, eps: settings.Eps);

    /// <summary>Sets every group's rate to its base rate times the schedule's factor for this step.</summary>
    public static void ApplySchedule(optim.Optimizer optimizer, IReadOnlyList<ParameterGroup> groups, double factor)
    {
        foreach (var (controller, group) in optimizer.ParamGroups.Zip(groups))
            controller.LearningRate = group.BaseLearningRate * factor;
    }
}
