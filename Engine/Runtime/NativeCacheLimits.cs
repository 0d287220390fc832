using System.Runtime.InteropServices;

namespace FlorenceVL.Engine.Runtime;

/// <summary>
/// Bounds libtorch's two shape-keyed oneDNN caches before libtorch first reads their sizes.
/// <para>
/// On the CPU, bfloat16 linears run through oneDNN by way of ideep, which keeps a matmul primitive descriptor per input
/// shape (per thread, 1,024 by default, <c>LRU_CACHE_CAPACITY</c>) while oneDNN keeps the compiled primitive (per
/// process, 1,024 by default, <c>ONEDNN_PRIMITIVE_CACHE_CAPACITY</c>). With continuous batching almost every step has a
/// new token count, so each step adds a descriptor and a primitive (~0.25 MiB together on the bench preset) for each of
/// the decoder's linear shapes. Nothing is leaked, but the caches only stop growing at 1,024 entries each (~250 MiB),
/// and their long-lived blocks among freed tensor buffers keep glibc from returning pages: the memory bench drifted
/// +7% to +12% over 1,000 requests, malloc's live bytes rising ~0.08 MiB per request. Bounded at 128 each (~30 MiB:
/// the few dozen shapes of one step still fit) it stays flat. A lost entry costs ~0.3 ms to rebuild.
/// </para>
/// </summary>
public static partial class NativeCacheLimits
{
    /// <summary>A native setting; <paramref name="Aliases"/> are older names the library also reads.</summary>
    public sealed record Limit(string Name, string Value, IReadOnlyList<string> Aliases);

    public static IReadOnlyList<Limit> Defaults { get; } =
    [
        new("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "128", ["DNNL_PRIMITIVE_CACHE_CAPACITY"]),
        new("LRU_CACHE_CAPACITY", "128", []),
    ];

    /// <summary>Sets each default the user has not set under any of its names; returns the names it set.</summary>
    internal static IReadOnlyList<string> ApplyDefaults() => Apply(Defaults);

    internal static IReadOnlyList<string> Apply(IEnumerable<Limit> limits)
    {
        if (OperatingSystem.IsWindows()) return []; // the C runtime keeps its own copy there; the server runs on Linux
        var applied = new List<string>();
        try
        {
            foreach (var limit in limits)
            {
                if (limit.Aliases.Prepend(limit.Name).Any(name => NativeValue(name) is not null)) continue;
                if (SetEnv(limit.Name, limit.Value, overwrite: 0) == 0) applied.Add(limit.Name);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { } // no libc: defaults stay
        return applied;
    }

    /// <summary>
    /// The variable as native code sees it: .NET's <see cref="Environment"/> keeps its own copy on Unix, so neither its
    /// reads nor its writes reach libc's environment, which is what libtorch reads.
    /// </summary>
    public static string? NativeValue(string name) => OperatingSystem.IsWindows()
        ? Environment.GetEnvironmentVariable(name)
        : Marshal.PtrToStringUTF8(GetEnv(name));

    [LibraryImport("libc", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint GetEnv(string name);

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
