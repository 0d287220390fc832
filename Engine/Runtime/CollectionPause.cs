using System.Runtime;

namespace FlorenceVL.Engine.Runtime;

/// <summary>
/// Holds garbage collection off for one stretch of TorchSharp work (a training step, one evaluated answer), so
/// collections happen only where it starts, between native calls.
/// <para>
/// Why: TorchSharp's own methods create temporary native Scalars (its optimisers' updates, <c>square()</c>, every
/// operator with a number) that only the finalizer frees, and a collection landing while libtorch still reads one
/// frees it under the call (dotnet/TorchSharp#1434: "Expected false to be true ... toFloat", or silently wrong numbers).
/// <see cref="ScalarSafeOps"/> removes them from the Engine's hot paths, but not from library code. A no-GC region
/// makes the whole stretch safe: the collection it starts with finds only Scalars whose calls have returned, and none
/// runs until it ends. Should the stretch allocate more than its budget, the runtime collects anyway and the region
/// simply ends early (reported by <see cref="HeldThroughout"/>).
/// </para>
/// </summary>
public sealed class CollectionPause : IDisposable
{
    /// <summary>Managed allocation allowed inside a pause; every step of the default model's training runs (about 7,300) stayed within it.</summary>
    public const long DefaultBudgetBytes = 128L * 1024 * 1024;

    private static readonly object Gate = new();
    private static CollectionPause? _owner; // the pause whose region is running, so another thread's pause never ends it

    private readonly bool _started;

    private CollectionPause(bool started) => _started = started;

    /// <summary>Starts a pause, or does nothing when one is already running on this process (pauses do not nest).</summary>
    public static CollectionPause Begin(long budgetBytes = DefaultBudgetBytes)
    {
        lock (Gate)
        {
            if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion) return new CollectionPause(false);
            try
            {
                if (!GC.TryStartNoGCRegion(budgetBytes)) return new CollectionPause(false);
            }
            catch (Exception e) when (e is ArgumentOutOfRangeException or InvalidOperationException)
            {
                // A budget larger than this runtime allows, or a region begun outside this class: run without the pause.
                return new CollectionPause(false);
            }
            _owner = new CollectionPause(true);
            return _owner;
        }
    }

    /// <summary>True while no collection has happened since <see cref="Begin"/>.</summary>
    public bool HeldThroughout
    {
        get
        {
            lock (Gate) return _started && ReferenceEquals(_owner, this) && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion;
        }
    }

    public void Dispose()
    {
        lock (Gate)
        {
            if (!ReferenceEquals(_owner, this)) return;
            _owner = null;
            if (GCSettings.LatencyMode != GCLatencyMode.NoGCRegion) return;
            try { GC.EndNoGCRegion(); }
            catch (InvalidOperationException) { } // the region ended early (a collection happened): nothing left to end
        }
    }
}
