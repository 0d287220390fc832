using System.Runtime.CompilerServices;

namespace FlorenceVL.Training.Tests.Support;

/// <summary>
/// The training host reads the feature store synchronously (one trainer per process, so that is fine there). Here xunit
/// runs test classes in parallel on a 2-core machine, and their blocked threads starved the pool StackExchange.Redis
/// completes on: a GET of a stored entry timed out after 5 s (Polly TimeoutRejectedException) in about one assembly run
/// in four, and the feature-store training test encoded an image it should have read. More threads up front remove
/// the wait for the pool to grow.
/// </summary>
internal static class ThreadPoolHeadroom
{
#pragma warning disable CA2255 // A module initialiser runs before any test class starts, which is the point.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Raise()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
    }
}
