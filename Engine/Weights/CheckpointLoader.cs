using FlorenceVL.Engine.Runtime;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Weights;

/// <summary>One checkpoint read through one layout's rules.</summary>
public sealed record CheckpointSource(SafetensorsCheckpoint Checkpoint, WeightLayout Layout);

/// <summary>What a load did: tensors copied, names skipped on purpose, and names no rule accounted for.</summary>
public sealed record LoadReport(int NumLoaded, IReadOnlyList<string> Ignored, IReadOnlyList<string> Unexpected);

/// <summary>
/// Fills a module's parameters and persistent buffers from checkpoints, following a <see cref="LoadPlan"/> made from
/// the headers first. Strict: a missing tensor or a wrong shape is an error naming the tensor and both shapes, raised
/// before any data is read; tensors a layout declares unused are skipped; any other extra tensor is reported (and logged
/// by the caller) but does not stop the load, since community exports often carry harmless extras.
/// Stored data goes straight into the parameter when the dtype matches and the parameter lives in CPU memory (packed
/// parts into their row ranges), so the peak resident memory of a load is the model plus one tensor at most.
/// </summary>
public static class CheckpointLoader
{
    /// <param name="tiedFrom">internal name -> internal source, for parameters a checkpoint may omit because they are tied.</param>
    public static LoadReport Load(nn.Module module, IEnumerable<CheckpointSource> sources, IReadOnlyDictionary<string, string>? tiedFrom = null)
    {
        var expected = module.state_dict();
        var plan = CheckpointPlanner.Plan(expected.ToDictionary(p => p.Key, p => p.Value.shape), sources, tiedFrom);
        plan.ThrowIfUnloadable();
        using var _ = no_grad();
        foreach (var binding in plan.Bindings)
        {
            var target = expected[binding.InternalName];
            if (target.device_type == TorchSharp.DeviceType.META) continue; // shape checks only: nothing to copy into
            Fill(target, binding);
        }
        foreach (var (name, from) in plan.Tied)
            if (expected[name].device_type != TorchSharp.DeviceType.META) expected[name].copy_(expected[from]);
        return new LoadReport(plan.Bindings.Count + plan.Tied.Count, plan.Ignored, plan.Unexpected);
    }

    private static void Fill(Tensor target, TensorBinding binding)
    {
        var checkpoint = binding.Source.Checkpoint;
        var direct = !binding.Transposed && TensorMemory.IsWritableInPlace(target)
            && binding.ExternalNames.All(n => checkpoint.Entry(n).DType == target.dtype);
        if (direct && binding.ExternalNames.Count == 1)
        {
            checkpoint.ReadInto(binding.ExternalNames[0], target);
            return;
        }
        if (direct)
        {
            long row = 0;
            foreach (var name in binding.ExternalNames)
            {
                var rows = checkpoint.Entry(name).Shape[0];
                using var slice = target.narrow(0, row, rows); // dim-0 slices of a contiguous tensor are contiguous
                checkpoint.ReadInto(name, slice);
                row += rows;
            }
            return;
        }
        using var scope = NewDisposeScope();
        var parts = binding.ExternalNames.Select(n => checkpoint.Load(n)).ToList();
        var value = parts.Count == 1 ? parts[0] : cat(parts, 0);
        target.copy_(binding.Transposed ? value.t() : value);
    }
}
