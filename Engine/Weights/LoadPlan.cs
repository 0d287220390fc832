namespace FlorenceVL.Engine.Weights;

/// <summary>One module tensor and the checkpoint tensor(s) that fill it: one name, or the parts of a pack in order.</summary>
public sealed record TensorBinding(string InternalName, IReadOnlyList<string> ExternalNames, CheckpointSource Source, bool Transposed)
{
    public string Describe() => string.Join(" + ", ExternalNames);
}

/// <summary>A checkpoint tensor whose stored shape (after packing or transposing) is not the module's.</summary>
public sealed record ShapeMismatch(string InternalName, string ExternalName, long[] Stored, long[] Expected)
{
    public override string ToString() =>
        $"tensor '{ExternalName}' (for '{InternalName}') has shape [{string.Join(", ", Stored)}] but the model expects [{string.Join(", ", Expected)}].";
}

/// <summary>
/// What loading a set of checkpoints into a module would do, worked out from the safetensors headers alone (no tensor
/// data is read): which tensor fills which parameter, what is skipped on purpose, what no rule accounts for, what is
/// missing and what has the wrong shape. The loader executes a plan; <c>inspect</c> prints one.
/// </summary>
public sealed record LoadPlan(
    IReadOnlyList<TensorBinding> Bindings,
    IReadOnlyDictionary<string, string> Tied,
    IReadOnlyList<string> Ignored,
    IReadOnlyList<string> Unexpected,
    IReadOnlyList<string> Missing,
    IReadOnlyList<ShapeMismatch> Mismatched,
    IReadOnlyList<string> IncompletePacks)
{
    public bool CanLoad => Missing.Count == 0 && Mismatched.Count == 0 && IncompletePacks.Count == 0;

    /// <summary>The first problem that stops a load, as the loader reports it.</summary>
    public void ThrowIfUnloadable()
    {
        if (IncompletePacks.Count > 0) throw new CheckpointException(IncompletePacks[0]);
        if (Mismatched.Count > 0) throw new CheckpointException(Mismatched[0].ToString());
        if (Missing.Count == 0) return;
        var shown = string.Join(", ", Missing.Take(20));
        var more = Missing.Count > 20 ? $" and {Missing.Count - 20} more" : "";
        throw new CheckpointException($"checkpoint is missing {Missing.Count} required tensor(s): {shown}{more}.");
    }
}
