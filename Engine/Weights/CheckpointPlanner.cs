namespace FlorenceVL.Engine.Weights;

/// <summary>
/// Matches checkpoint names to module tensors through each source's layout, using only the shapes in the headers.
/// Sources are read in order; a module tensor filled by an earlier source is not looked for again.
/// </summary>
public static class CheckpointPlanner
{
    /// <param name="expected">module tensor name -> shape (a module's state_dict, or a meta-device model's).</param>
    /// <param name="tiedFrom">internal name -> internal source, for tensors a checkpoint may omit because they are tied.</param>
    public static LoadPlan Plan(IReadOnlyDictionary<string, long[]> expected, IEnumerable<CheckpointSource> sources,
        IReadOnlyDictionary<string, string>? tiedFrom = null)
    {
        var bindings = new List<TensorBinding>();
        var bound = new HashSet<string>(StringComparer.Ordinal);
        var ignored = new List<string>();
        var unexpected = new List<string>();
        var mismatched = new List<ShapeMismatch>();
        var incomplete = new List<string>();
        foreach (var source in sources)
        {
            var packs = new Dictionary<string, (PackRule Rule, SortedDictionary<int, string> Parts)>(StringComparer.Ordinal);
            foreach (var name in source.Checkpoint.Names.Order(StringComparer.Ordinal))
            {
                if (source.Layout.IsIgnored(name)) { ignored.Add(name); continue; }
                if (MatchPack(source.Layout, name) is { } pack)
                {
                    var packedName = source.Layout.ToInternal(pack.Packed);
                    if (!packs.TryGetValue(packedName, out var entry)) packs[packedName] = entry = (pack.Rule, new());
                    entry.Parts[pack.PartIndex] = name;
                    continue;
                }
                var internalName = source.Layout.ToInternal(name);
                if (!expected.TryGetValue(internalName, out var shape)) { unexpected.Add(name); continue; }
                var transposed = source.Layout.TransposedInternalNames.Contains(internalName);
                var stored = source.Checkpoint.Entry(name).Shape;
                var oriented = transposed ? stored.Reverse().ToArray() : stored;
                if (!oriented.SequenceEqual(shape)) { mismatched.Add(new(internalName, name, oriented, shape)); continue; }
                if (bound.Add(internalName)) bindings.Add(new(internalName, [name], source, transposed));
            }
            foreach (var (internalName, (rule, parts)) in packs)
            {
                if (!expected.TryGetValue(internalName, out var shape)) { unexpected.AddRange(parts.Values); continue; }
                if (parts.Count != rule.Parts.Count)
                {
                    incomplete.Add($"'{internalName}' needs parts {string.Join(", ", rule.Parts)} but the checkpoint has only {string.Join(", ", parts.Values)}.");
                    continue;
                }
                var packedShape = PackedShape(source.Checkpoint, parts.Values);
                var described = string.Join(" + ", parts.Values);
                if (packedShape is null || !packedShape.SequenceEqual(shape))
                {
                    mismatched.Add(new(internalName, described, packedShape ?? source.Checkpoint.Entry(parts.Values.First()).Shape, shape));
                    continue;
                }
                if (bound.Add(internalName)) bindings.Add(new(internalName, parts.Values.ToList(), source, Transposed: false));
            }
        }
        var tied = Tied(expected, bound, tiedFrom);
        var missing = expected.Keys.Where(k => !bound.Contains(k) && !tied.ContainsKey(k) && !mismatched.Any(m => m.InternalName == k))
            .Order(StringComparer.Ordinal).ToList();
        return new LoadPlan(bindings, tied, ignored, unexpected, missing, mismatched, incomplete);
    }

    private static (string Packed, int PartIndex, PackRule Rule)? MatchPack(WeightLayout layout, string name)
    {
        foreach (var rule in layout.Packs)
            if (rule.Match(name) is { } match) return (match.Packed, match.PartIndex, rule);
        return null;
    }

    /// <summary>Parts concatenated on dim 0: they must agree on every other dim; null when they do not.</summary>
    private static long[]? PackedShape(SafetensorsCheckpoint checkpoint, IEnumerable<string> parts)
    {
        var shapes = parts.Select(p => checkpoint.Entry(p).Shape).ToList();
        if (shapes.Any(s => s.Length == 0 || s.Length != shapes[0].Length || !s.Skip(1).SequenceEqual(shapes[0].Skip(1)))) return null;
        return [shapes.Sum(s => s[0]), .. shapes[0].Skip(1)];
    }

    private static Dictionary<string, string> Tied(IReadOnlyDictionary<string, long[]> expected, HashSet<string> bound,
        IReadOnlyDictionary<string, string>? tiedFrom)
    {
        var tied = new Dictionary<string, string>(StringComparer.Ordinal);
        if (tiedFrom is null) return tied;
        foreach (var (name, from) in tiedFrom)
            if (!bound.Contains(name) && bound.Contains(from) && expected.ContainsKey(name)) tied[name] = from;
        return tied;
    }
}
