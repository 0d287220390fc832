using System.Diagnostics;

namespace FlorenceVL.Engine.Runtime;

/// <summary>
/// Helper threads of our own for <see cref="KernelTeam"/>: the caller runs part 0, helper i runs part i + 1. A helper
/// spins on its own assignment word for a short while after each part (a decode step hands out ~40 parts a few
/// microseconds apart), then sleeps until the next assignment wakes it.
/// <para>
/// Why not libgomp's team: libgomp spins only while it manages no more threads than there are CPUs, and every thread
/// that ever opened a libtorch parallel region (the loader, a request thread, the engine loop) keeps a pool of its own,
/// so a server soon manages more than two threads on two cores and libgomp drops to ~1,000 spins, then a futex sleep
/// and wake for every region: measured at batch 1 on 2 cores, 145 futex calls and 120 context switches a token, and
/// this VM's paravirtual context switch is the second-largest symbol of the profile (docs/benchmarks.md).
/// </para>
/// <para>
/// One caller at a time: a second thread that calls while a job is in flight (two engines in one process), or a part
/// that opens a region of its own, runs its job on itself in one part, which a job must handle like any split.
/// </para>
/// </summary>
internal sealed class SpinningTeam
{
    /// <summary>How long a helper spins for its next part before it sleeps (FLORENCEVL_KERNEL_SPIN_US, default 200).</summary>
    private static readonly long SpinTicks = Stopwatch.Frequency * ReadSpinMicroseconds() / 1_000_000;

    private Helper[] _helpers = [];   // touched only by the caller that holds _busy
    private int _busy;
    private KernelJob? _job;
    private int _parts;
    private long _generation;

    public void Run(KernelJob job, int parts)
    {
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            job.RunPart(0, 1);
            return;
        }
        try
        {
            var helpers = HelpersFor(parts - 1);
            (_job, _parts) = (job, parts);
            var generation = ++_generation;
            for (var i = 0; i < parts - 1; i++) helpers[i].Assign(generation);
            RunGuarded(job, 0, parts);
            for (var i = 0; i < parts - 1; i++) helpers[i].WaitUntilFinished(generation);
        }
        finally
        {
            _job = null;
            Volatile.Write(ref _busy, 0);
        }
        job.ThrowIfFailed();
    }

    private Helper[] HelpersFor(int count)
    {
        if (_helpers.Length >= count) return _helpers;
        var grown = new Helper[count];
        Array.Copy(_helpers, grown, _helpers.Length);
        for (var i = _helpers.Length; i < count; i++) grown[i] = new Helper(this, i + 1);
        return _helpers = grown;
    }

    /// <summary>Nothing may escape a helper thread: a failure is kept on the job and rethrown on the caller.</summary>
    private static void RunGuarded(KernelJob job, int part, int parts)
    {
        try
        {
            job.RunPart(part, parts);
        }
        catch (Exception e)
        {
            job.Fail(e);
        }
    }

    private static long ReadSpinMicroseconds() =>
        long.TryParse(Environment.GetEnvironmentVariable("FLORENCEVL_KERNEL_SPIN_US"), out var us) && us >= 0 ? us : 200;

    /// <summary>
    /// One helper thread. The caller writes the job's generation into <see cref="_assigned"/>; the helper runs its part
    /// and writes the same generation into <see cref="_finished"/>. Sleeping is a Dekker handshake: the helper raises
    /// <see cref="_sleeping"/> and then looks at its assignment once more, the caller assigns and then looks at
    /// <see cref="_sleeping"/>, both behind full fences, so at least one of them sees the other and no wake is lost.
    /// </summary>
    private sealed class Helper
    {
        private readonly SpinningTeam _team;
        private readonly int _part;
        private readonly SemaphoreSlim _wake = new(0);
        private long _assigned;
        private long _finished;
        private int _sleeping;

        public Helper(SpinningTeam team, int part)
        {
            (_team, _part) = (team, part);
            new Thread(Loop) { IsBackground = true, Name = $"florencevl-kernel-{part}" }.Start();
        }

        public void Assign(long generation)
        {
            Interlocked.Exchange(ref _assigned, generation);
            if (Interlocked.Exchange(ref _sleeping, 0) == 1) _wake.Release();
        }

        /// <summary>The caller spins: the helper's part is as long as its own, so the wait is short unless the helper was preempted.</summary>
        public void WaitUntilFinished(long generation)
        {
            var spins = 0;
            while (Volatile.Read(ref _finished) != generation)
            {
                if (++spins % 4096 == 0) Thread.Yield();   // a preempted helper needs a core back
                else Thread.SpinWait(1);
            }
        }

        private void Loop()
        {
            long seen = 0;
            while (true)
            {
                var generation = NextAssignment(seen);
                seen = generation;
                RunGuarded(_team._job!, _part, _team._parts);
                Volatile.Write(ref _finished, generation);
            }
        }

        private long NextAssignment(long seen)
        {
            while (true)
            {
                var deadline = Stopwatch.GetTimestamp() + SpinTicks;
                do
                {
                    for (var i = 0; i < 64; i++)
                    {
                        var assigned = Volatile.Read(ref _assigned);
                        if (assigned != seen) return assigned;
                        Thread.SpinWait(1);
                    }
                } while (Stopwatch.GetTimestamp() < deadline);

                Interlocked.Exchange(ref _sleeping, 1);
                if (Volatile.Read(ref _assigned) != seen)
                {
                    Interlocked.Exchange(ref _sleeping, 0);
                    continue;
                }
                _wake.Wait();
                Interlocked.Exchange(ref _sleeping, 0);   // a wake left over from a handshake both sides won is harmless: the loop looks again
            }
        }
    }
}
