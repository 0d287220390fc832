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
/// Splits a CPU kernel of the decode step (the bf16 matrix-vector products, decode attention) over libtorch's own
/// OpenMP threads: the caller runs part 0 and the team's threads the rest, as an <c>omp parallel</c> region would.
/// <para>
/// Why libtorch's team and not threads of our own: its threads spin for a while after every parallel region (libgomp's
/// default wait policy), so a second set of spinning threads fights them for the cores. Measured on 2 cores with
/// helper threads of our own that spun 200 us between jobs: a product that follows a libtorch GEMM took 3.7 ms instead
/// of 30 us, one scheduler tick. Parallel.For has no such fight but costs microseconds per fork and join, and at 20-100
/// us a product, two threads ran every product of the bench preset slower than one (docs/benchmarks.md).
/// </para>
/// <para>
/// Where libtorch carries no libgomp (it does on Linux, CPU and CUDA builds) every part runs on the calling thread.
/// A region opened inside another region gets one thread (libgomp's default), which the split handles like any count.
/// </para>
/// </summary>
internal static unsafe class KernelTeam
{
    private static readonly delegate* unmanaged<delegate* unmanaged<void*, void>, void*, uint, uint, void> Parallel;
    private static readonly delegate* unmanaged<int> ThreadNumber;
    private static readonly delegate* unmanaged<int> ThreadCount;

    static KernelTeam()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("FLORENCEVL_KERNEL_TEAM") == "0") return;
        var library = Directory.EnumerateFiles(AppContext.BaseDirectory, "libgomp*.so*").FirstOrDefault();
        if (library is null || !NativeLibrary.TryLoad(library, out var handle)) return;
        if (!NativeLibrary.TryGetExport(handle, "GOMP_parallel", out var parallel)
            || !NativeLibrary.TryGetExport(handle, "omp_get_thread_num", out var number)
            || !NativeLibrary.TryGetExport(handle, "omp_get_num_threads", out var count)) return;
        Parallel = (delegate* unmanaged<delegate* unmanaged<void*, void>, void*, uint, uint, void>)parallel;
        ThreadNumber = (delegate* unmanaged<int>)number;
        ThreadCount = (delegate* unmanaged<int>)count;
    }

    /// <summary>Whether work is split at all (libgomp found); false means every part runs on the caller.</summary>
    public static bool IsAvailable => Parallel != null;

    /// <summary>How many parts to ask for: libtorch's intra-op thread count (the server's thread setting), 1 without a team.</summary>
    public static int Width => IsAvailable ? Math.Max(1, TorchSharp.torch.get_num_threads()) : 1;

    /// <summary>
    /// Runs <paramref name="job"/> split in at most <paramref name="parts"/> parts and returns when all are done. The
    /// region may get fewer threads than asked: RunPart receives the count it got, so a job must divide its work by
    /// that, and give each output to exactly one part (then no result depends on the split).
    /// </summary>
    public static void Run(KernelJob job, int parts)
    {
        if (parts <= 1 || Parallel == null)
        {
            job.RunPart(0, 1);
            return;
        }
        var state = job.Handle;
        Parallel(&Enter, &state, (uint)parts, 0);
        job.ThrowIfFailed();
    }

    [UnmanagedCallersOnly]
    private static void Enter(void* state)
    {
        // Nothing may unwind through libgomp: a failure is kept and rethrown on the caller.
        var job = (KernelJob)GCHandle.FromIntPtr(*(nint*)state).Target!;
        try
        {
            job.RunPart(ThreadNumber(), ThreadCount());
        }
        catch (Exception e)
        {
            job.Fail(e);
        }
    }
}
