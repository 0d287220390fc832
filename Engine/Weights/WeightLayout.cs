using System.Text.RegularExpressions;

namespace FlorenceVL.Engine.Weights;

/// <summary>Renames checkpoint names to module names: every matching rule applies, in order.</summary>
public sealed record RenameRule(string Pattern, string Replacement)
{
    private readonly Regex _regex = new(Pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled);
    public string Apply(string name) => _regex.Replace(name, Replacement, 1);
}

/// <summary>
/// Several checkpoint tensors concatenated on dim 0 into one module parameter (Llama's q/k/v into a fused qkv_proj, as
/// nano-vllm's packed_modules_mapping). <c>Pattern</c> has one group naming the part; <c>Parts</c> gives their order.
/// </summary>
public sealed record PackRule(string Pattern, string PackedName, IReadOnlyList<string> Parts)
{
    private readonly Regex _regex = new(Pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled);

    public (string Packed, int PartIndex)? Match(string name)
    {
        var match = _regex.Match(name);
        if (!match.Success) return null;
        var part = match.Groups["part"].Value;
        var index = Parts.ToList().IndexOf(part);
        return index < 0 ? null : (_regex.Replace(name, PackedName, 1), index);
    }
}

/// <summary>
/// One checkpoint format as a rule table: what to ignore, how names map onto the module tree, which tensors are
/// packed and which are stored transposed. Each supported format is one instance in <see cref="WeightLayouts"/>.
/// </summary>
public sealed record WeightLayout(
    string Name,
    IReadOnlyList<string> IgnorePatterns,
    IReadOnlyList<RenameRule> Renames,
    IReadOnlyList<PackRule> Packs,
    IReadOnlyList<string> TransposedInternalNames)
{
    private readonly Regex[] _ignore = IgnorePatterns.Select(p => new Regex(p, RegexOptions.CultureInvariant | RegexOptions.Compiled)).ToArray();

    public bool IsIgnored(string externalName) => _ignore.Any(r => r.IsMatch(externalName));

    public string ToInternal(string externalName) => Renames.Aggregate(externalName, (name, rule) => rule.Apply(name));

    public WeightLayout Then(WeightLayout next) => new(
        $"{Name}+{next.Name}",
        [.. IgnorePatterns, .. next.IgnorePatterns],
        [.. Renames, .. next.Renames],
        [.. Packs, .. next.Packs],
        [.. TransposedInternalNames, .. next.TransposedInternalNames]);
}
