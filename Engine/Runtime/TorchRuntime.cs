using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FlorenceVL.Engine.Runtime;

/// <summary>
/// Makes TorchSharp loadable before anything touches <c>torch</c>: on hosts whose libstdc++ lacks GLIBCXX_3.4.32
/// (Debian 12), a patched copy of libLibTorchSharp.so is written to a cache folder and loaded by full path;
/// TorchSharp's own later load by name then finds the already-loaded library. Elsewhere it does nothing.
/// Runs as a module initialiser so every host (server, trainer, tests) gets it without a manual call; it also bounds
/// libtorch's oneDNN caches (<see cref="NativeCacheLimits"/>) before libtorch first reads their sizes.
/// </summary>
public static class TorchRuntime
{
    private const string LibraryName = "libLibTorchSharp.so";
    private const string MissingVersion = "GLIBCXX_3.4.32";
    private static readonly object Gate = new();
    private static bool _initialized;

    /// <summary>Where the patched copy went, or null when none was needed.</summary>
    public static string? PatchedLibraryPath { get; private set; }

#pragma warning disable CA2255 // A module initialiser is the point: it must run before TorchSharp's static constructor.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void InitializeOnLoad() => EnsureLoadable();

    public static void EnsureLoadable()
    {
        lock (Gate)
        {
            if (_initialized) return;
            _initialized = true;
            NativeCacheLimits.ApplyDefaults();
            if (!OperatingSystem.IsLinux()) return;
            var original = Path.Combine(AppContext.BaseDirectory, LibraryName);
            if (!File.Exists(original) || HostHasVersion(MissingVersion)) return;
            PatchedLibraryPath = WritePatchedCopy(original);
            if (PatchedLibraryPath is null) return;
            PreloadTorchDependencies();
            NativeLibrary.Load(PatchedLibraryPath);
        }
    }

    private static bool HostHasVersion(string version)
    {
        foreach (var candidate in new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6" })
        {
            if (!File.Exists(candidate)) continue;
            var bytes = File.ReadAllBytes(candidate);
            return bytes.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(version + "\0")) >= 0;
        }
        return true; // unknown layout: let TorchSharp try the original
    }

    private static string? WritePatchedCopy(string original)
    {
        var bytes = File.ReadAllBytes(original);
        if (!GlibcxxVersionPatch.MakeVersionRequirementWeak(bytes, MissingVersion)) return null;
        var stamp = $"{new FileInfo(original).Length}-{File.GetLastWriteTimeUtc(original).Ticks}";
        var folder = Path.Combine(CacheRoot(), "florencevl-native", stamp);
        var target = Path.Combine(folder, LibraryName);
        if (File.Exists(target) && new FileInfo(target).Length == bytes.Length) return target;
        Directory.CreateDirectory(folder);
        var temporary = target + "." + Environment.ProcessId + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, target, overwrite: true); // atomic, so concurrent processes never load a half-written file
        return target;
    }

    // The app folder may be read-only (containers), so the copy goes to a writable cache folder.
    private static string CacheRoot() =>
        Environment.GetEnvironmentVariable("FLORENCEVL_NATIVE_CACHE") is { Length: > 0 } configured ? configured : Path.GetTempPath();

    // The patched copy lives outside the app folder, so its dependencies must already be loaded for the dynamic
    // linker to resolve them by soname.
    private static void PreloadTorchDependencies()
    {
        foreach (var name in new[] { "libc10.so", "libtorch_cpu.so", "libtorch.so" })
        {
            var path = Path.Combine(AppContext.BaseDirectory, name);
            if (File.Exists(path)) NativeLibrary.Load(path);
        }
    }
}
