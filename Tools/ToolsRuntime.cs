using System.Runtime.CompilerServices;
using FlorenceVL.Engine.Runtime;

namespace FlorenceVL.Tools;

/// <summary>
/// The tools call TorchSharp directly (set_num_threads is the benchmark's first call), possibly before any Engine type
/// has loaded the Engine assembly and run its native-library fix, so this assembly runs the fix on load too.
/// </summary>
internal static class ToolsRuntime
{
#pragma warning disable CA2255 // A module initialiser is the point: it must run before TorchSharp's static constructor.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void InitializeOnLoad() => TorchRuntime.EnsureLoadable();
}
