using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace FlorenceVL.Engine.Runtime;

/// <summary>
/// One share of a kernel's work. A job object is made once and reused (one per calling thread), so handing work to
/// the team allocates nothing.
/// </summary>
internal abstract class KernelJob
{
    private GCHandle _self;
    private Exception? _failure;

    /// <summary>Does part <paramref name="part"/> of <paramref name="parts"/>; the parts run at once on different threads.</summary>
    public abstract void RunPart(int part, int parts);

    // Allocated once per job: jobs are one per calling thread (ThreadStatic), so a handle outlives only a thread that exits.
    internal nint Handle => _self.IsAllocated ? GCHandle.ToIntPtr(_self) : GCHandle.ToIntPtr(_self = GCHandle.Alloc(this));

    internal void Fail(Exception e) => Interlocked.CompareExchange(ref _failure, e, null);

    internal void ThrowIfFailed()
    {
        if (Interlocked.Exchange(ref _failure, null) is { } failure) ExceptionDispatchInfo.Throw(failure);
    }
}

/// <summary>
/// Splits a CPU kernel of the decode step (the bf16 matrix-vector products, decode attention) over the server's CPU
/// threads (libtorch's intra-op thread count): the caller runs part 0 and helper threads the rest, as an
/// <c>omp parallel</c> region would. The helpers are our own (<see cref="SpinningTeam"/>), which spin between the parts
/// of a step; FLORENCEVL_KERNEL_TEAM=gomp hands the parts to libtorch's libgomp team instead, which sleeps and wakes
/// for nearly every part on a busy server (measured side by side in docs/benchmarks.md), and =0 runs every part on
/// the caller.
/// </summary>
internal static unsafe class KernelTeam
{
    private static readonly string Choice = Environment.GetEnvironmentVariable("FLORENCEVL_KERNEL_TEAM") ?? "";
    private static readonly SpinningTeam? Own = Choice is "0" or "gomp" ? null : new SpinningTeam();

    private static readonly delegate* unmanaged<delegate* unmanaged<void*, void>, void*, uint, uint, void> GompParallel;
    private static readonly delegate* unmanaged<int> GompThreadNumber;
    private static readonly delegate* unmanaged<int> GompThreadCount;

    static KernelTeam()
    {
        if (Choice != "gomp" || !OperatingSystem.IsLinux()) return;
        var library = Directory.EnumerateFiles(AppContext.BaseDirectory, "libgomp*.so*").FirstOrDefault();
        if (library is null || !NativeLibrary.TryLoad(library, out var handle)) return;
        if (!NativeLibrary.TryGetExport(handle, "GOMP_parallel", out var parallel)
            || !NativeLibrary.TryGetExport(handle, "omp_get_thread_num", out var number)
            || !NativeLibrary.TryGetExport(handle, "omp_get_num_threads", out var count)) return;
        GompParallel = (delegate* unmanaged<delegate* unmanaged<void*, void>, void*, uint, uint, void>)parallel;
        GompThreadNumber = (delegate* unmanaged<int>)number;
        GompThreadCount = (delegate* unmanaged<int>)count;
    }

    /// <summary>Whether work is split at all; false means every part runs on the caller.</summary>
    public static bool IsAvailable => Own is not null || GompParallel != null;

    /// <summary>How many parts to ask for: libtorch's intra-op thread count (the server's thread setting), 1 without a team.</summary>
    public static int Width => IsAvailable ? Math.Max(1, TorchSharp.torch.get_num_threads()) : 1;

    /// <summary>
    /// Runs <paramref name="job"/> split in at most <paramref name="parts"/> parts and returns when all are done. The
    /// job may get fewer parts than asked: RunPart receives the count it got, so a job must divide its work by that,
    /// and give each output to exactly one part (then no result depends on the split).
    /// </summary>
    public static void Run(KernelJob job, int parts)
    {
        if (parts <= 1 || !IsAvailable)
        {
            job.RunPart(0, 1);
            return;
        }
        if (Own is not null)
        {
            Own.Run(job, parts);
            return;
        }
        var state = job.Handle;
        GompParallel(&Enter, &state, (uint)parts, 0);
        job.ThrowIfFailed();
    }

    [UnmanagedCallersOnly]
    private static void Enter(void* state)
    {
        // Nothing may unwind through libgomp: a failure is kept and rethrown on the caller.
        var job = (KernelJob)GCHandle.FromIntPtr(*(nint*)state).Target!;
        try
        {
            job.RunPart(GompThreadNumber(), GompThreadCount());
        }
        catch (Exception e)
        {
            job.Fail(e);
        }
    }
}
