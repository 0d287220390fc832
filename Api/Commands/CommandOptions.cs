namespace FlorenceVL.Api.Commands;

/// <summary>`--name value` pairs of a sub-command; an unknown name or a missing value is an error, not ignored.</summary>
internal static class CommandOptions
{
    public static Dictionary<string, string> Parse(string[] args, IReadOnlyCollection<string> known, out string? error)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        error = null;
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!known.Contains(args[i])) { error = $"unknown option '{args[i]}' (known: {string.Join(", ", known)})"; break; }
            if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal)) { error = $"{args[i]} needs a value"; break; }
            options[args[i]] = args[i + 1];
        }
        return options;
    }
}
