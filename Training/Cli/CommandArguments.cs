using System.Globalization;

namespace FlorenceVL.Training.Cli;

/// <summary>Thrown for a command line that cannot run; Program prints the message and the usage.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// Positional arguments and <c>--name value</c> / <c>--flag</c> options of one command. Every option a command reads
/// is recorded, so an unknown (misspelt) option is an error instead of being silently ignored.
/// </summary>
public sealed class CommandArguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public CommandArguments(IEnumerable<string> args)
    {
        var list = args.ToList();
        var positional = new List<string>();
        for (var i = 0; i < list.Count; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal)) { positional.Add(list[i]); continue; }
            var name = list[i][2..];
            var hasValue = i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal);
            _options[name] = hasValue ? list[++i] : null;
        }
        Positional = positional;
    }

    public IReadOnlyList<string> Positional { get; }

    public string Required(int index, string what) =>
        index < Positional.Count ? Positional[index] : throw new UsageException($"missing {what}.");

    public bool Flag(string name)
    {
        _read.Add(name);
        return _options.ContainsKey(name);
    }

    public string? String(string name)
    {
        _read.Add(name);
        if (!_options.TryGetValue(name, out var value)) return null;
        return value ?? throw new UsageException($"--{name} needs a value.");
    }

    public int? Int(string name)
    {
        var text = String(name);
        if (text is null) return null;
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"--{name} expects an integer, got '{text}'.");
    }

    /// <summary>A comma-separated list of positive integers (a tower's widths, depths or heads), or null when not given.</summary>
    public int[]? PositiveInts(string name) =>
        String(name)?.Split(',').Select(text => int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new UsageException($"--{name} takes positive integers separated by commas, got '{text}'.")).ToArray();

    public double? Double(string name)
    {
        var text = String(name);
        if (text is null) return null;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new UsageException($"--{name} expects a number, got '{text}'.");
    }

    /// <summary>Call after reading every option: rejects options the command does not know.</summary>
    public void RejectUnknownOptions()
    {
        var unknown = _options.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0) throw new UsageException($"unknown option(s): {string.Join(", ", unknown.Select(k => "--" + k))}.");
    }
}
