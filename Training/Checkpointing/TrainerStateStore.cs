using System.Text.Json;
using FlorenceVL.Engine.Weights;
using FlorenceVL.Training.Optimization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FlorenceVL.Training.Checkpointing;

/// <summary>
/// Saves and restores the resumable part of a run beside a checkpoint's weights, in <c>trainer_state/</c>:
/// <code>
///   state.json              step, data position, loss history
///   optimizer.safetensors   per trainable parameter: {name}.exp_avg, {name}.exp_avg_sq, {name}.step (AdamW moments)
///   rng.safetensors         torch's CPU generator state
/// </code>
/// </summary>
public static class TrainerStateStore
{
    public const string FolderName = "trainer_state";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static void Save(string checkpointDirectory, TrainerState state, optim.Optimizer optimizer, IReadOnlyList<ParameterGroup> groups)
    {
        var folder = Path.Combine(checkpointDirectory, FolderName);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "state.json"), JsonSerializer.Serialize(state, Json));
        using var scope = NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>();
        foreach (var ((name, _), adam) in Names(groups).Zip(States(optimizer)))
        {
            tensors[name + ".exp_avg"] = adam.exp_avg;
            tensors[name + ".exp_avg_sq"] = adam.exp_avg_sq;
            tensors[name + ".step"] = tensor(adam.step);
        }
        SafetensorsWriter.Write(Path.Combine(folder, "optimizer.safetensors"), tensors);
        SafetensorsWriter.Write(Path.Combine(folder, "rng.safetensors"), new Dictionary<string, Tensor> { ["cpu"] = torch.get_rng_state() });
    }

    public static bool Exists(string checkpointDirectory) => File.Exists(Path.Combine(checkpointDirectory, FolderName, "state.json"));

    public static TrainerState Load(string checkpointDirectory, optim.Optimizer optimizer, IReadOnlyList<ParameterGroup> groups)
    {
        var folder = Path.Combine(checkpointDirectory, FolderName);
        if (!Exists(checkpointDirectory)) throw new FileNotFoundException($"{checkpointDirectory} has no {FolderName}/state.json to resume from.");
        var state = JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(Path.Combine(folder, "state.json")), Json)
            ?? throw new InvalidDataException($"{folder}/state.json is empty.");
        using var moments = SafetensorsFile.Open(Path.Combine(folder, "optimizer.safetensors"));
        using var noGrad = no_grad();
        foreach (var ((name, _), adam) in Names(groups).Zip(States(optimizer)))
        {
            if (!moments.Entries.ContainsKey(name + ".exp_avg"))
                throw new InvalidDataException($"{folder}/optimizer.safetensors has no moments for '{name}': the stage trains other parts than the run that saved it.");
            using (var value = moments.Load(name + ".exp_avg")) adam.exp_avg.copy_(value);
            using (var value = moments.Load(name + ".exp_avg_sq")) adam.exp_avg_sq.copy_(value);
            using (var value = moments.Load(name + ".step")) adam.step = value.item<long>();
        }
        using var rng = SafetensorsFile.Open(Path.Combine(folder, "rng.safetensors"));
        using var generator = rng.Load("cpu");
        torch.set_rng_state(generator);
        return state;
    }

    private static IEnumerable<(string Name, Parameter Parameter)> Names(IReadOnlyList<ParameterGroup> groups) => groups.SelectMany(g => g.Parameters);

    // The optimiser lists its states group by group, parameter by parameter: the order the groups were built in.
    private static IEnumerable<AdamW.State> States(optim.Optimizer optimizer) =>
        ((OptimizerHelper)optimizer).state_dict().State.Cast<AdamW.State>();
}
