using TorchSharp;
using static TorchSharp.torch;

namespace FlorenceVL.Engine.Weights;

/// <summary>One checkpoint read through one layout's rules.</summary>
public sealed record CheckpointSource(SafetensorsCheckpoint Checkpoint, WeightLayout Layout);

/// <summary>What a load did: tensors copied, names skipped on purpose, and names no rule accounted for.</summary>
public sealed record LoadReport(int NumLoaded, IReadOnlyList<string> Ignored, IReadOnlyList<string> Unexpected);

/// <summary>
/// Fills a module's parameters and persistent buffers from checkpoints. Strict: a missing tensor or a wrong shape is an
/// error naming the tensor and both shapes; tensors a layout declares unused are skipped; any other extra tensor is
/// reported (and logged by the caller) but does not stop the load, since community exports often carry harmless extras.
/// </summary>
public static class CheckpointLoader
{
    /// <param name="tiedFrom">internal name -> internal source, for parameters a checkpoint may omit because they are tied.</param>
    public static LoadReport Load(nn.Module module, IEnumerable<CheckpointSource> sources, IReadOnlyDictionary<string, string>? tiedFrom = null)
    {
        var expected = module.state_dict();
        var filled = new HashSet<string>(StringComparer.Ordinal);
        var ignored = new List<string>();
        var unexpected = new List<string>();
        using var _ = no_grad();
        foreach (var source in sources)
        {
            var packs = new Dictionary<string, SortedDictionary<int, string>>(StringComparer.Ordinal);
            foreach (var name in source.Checkpoint.Names.Order(StringComparer.Ordinal))
            {
                if (source.Layout.IsIgnored(name)) { ignored.Add(name); continue; }
                if (source.Layout.Packs.Select(p => p.Match(name)).FirstOrDefault(m => m is not null) is { } pack)
                {
                    var internalPacked = source.Layout.ToInternal(pack.Packed);
                    (packs.TryGetValue(internalPacked, out var parts) ? parts : packs[internalPacked] = new())[pack.PartIndex] = name;
                    continue;
                }
                var internalName = source.Layout.ToInternal(name);
                if (!expected.TryGetValue(internalName, out var target)) { unexpected.Add(name); continue; }
                using var loaded = source.Checkpoint.Load(name);
                using var oriented = source.Layout.TransposedInternalNames.Contains(internalName) ? loaded.t() : loaded.alias();
                CopyChecked(target, oriented, internalName, name);
                filled.Add(internalName);
            }
            foreach (var (internalName, parts) in packs)
                LoadPacked(expected, source, internalName, parts, filled, unexpected);
        }
        FillTied(expected, filled, tiedFrom);
        ThrowIfMissing(expected.Keys.Where(k => !filled.Contains(k)).ToList());
        return new LoadReport(filled.Count, ignored, unexpected);
    }

    private static void LoadPacked(Dictionary<string, Tensor> expected, CheckpointSource source, string internalName,
        SortedDictionary<int, string> parts, HashSet<string> filled, List<string> unexpected)
    {
        var rule = source.Layout.Packs.First(p => p.Match(parts.Values.First()) is not null);
        if (!expected.TryGetValue(internalName, out var target)) { unexpected.AddRange(parts.Values); return; }
        if (parts.Count != rule.Parts.Count)
            throw new CheckpointException($"'{internalName}' needs parts {string.Join(", ", rule.Parts)} but the checkpoint has only {string.Join(", ", parts.Values)}.");
        var loaded = parts.Values.Select(n => source.Checkpoint.Load(n)).ToList();
        using var packed = cat(loaded, 0);
        foreach (var tensor in loaded) tensor.Dispose();
        CopyChecked(target, packed, internalName, string.Join(" + ", parts.Values));
        filled.Add(internalName);
    }

    private static void CopyChecked(Tensor target, Tensor source, string internalName, string externalName)
    {
        if (!target.shape.SequenceEqual(source.shape))
            throw new CheckpointException(
                $"tensor '{externalName}' (for '{internalName}') has shape [{string.Join(", ", source.shape)}] but the model expects [{string.Join(", ", target.shape)}].");
        if (target.device_type == DeviceType.META) return; // shape checks only: nothing to copy into
        target.copy_(source);
    }

    private static void FillTied(Dictionary<string, Tensor> expected, HashSet<string> filled, IReadOnlyDictionary<string, string>? tiedFrom)
    {
        if (tiedFrom is null) return;
        foreach (var (name, from) in tiedFrom)
        {
            if (filled.Contains(name) || !filled.Contains(from) || !expected.ContainsKey(name)) continue;
            if (expected[name].device_type != DeviceType.META) expected[name].copy_(expected[from]);
            filled.Add(name);
        }
    }

    private static void ThrowIfMissing(List<string> missing)
    {
        if (missing.Count == 0) return;
        var shown = string.Join(", ", missing.Take(20));
        var more = missing.Count > 20 ? $" and {missing.Count - 20} more" : "";
        throw new CheckpointException($"checkpoint is missing {missing.Count} required tensor(s): {shown}{more}.");
    }
}
