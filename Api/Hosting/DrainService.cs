using FlorenceVL.Api.Options;
using Microsoft.Extensions.Options;

namespace FlorenceVL.Api.Hosting;

/// <summary>
/// SIGTERM (ApplicationStopping) starts the drain; the host's stopping phase, which runs before any hosted service
/// stops (the engine included), waits until the admitted requests have finished or the drain timeout has passed.
/// </summary>
public sealed class DrainService(
    DrainState drain, IHostApplicationLifetime lifetime, IOptions<ShutdownOptions> options, ILogger<DrainService> logger)
    : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(Begin);
        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        Begin();
        var timeout = options.Value.DrainTimeout;
        try
        {
            await drain.Idle.WaitAsync(timeout, cancellationToken);
            logger.LogInformation("Drained: every in-flight request finished");
        }
        catch (TimeoutException)
        {
            logger.LogWarning("Drain timeout {Timeout} passed with {InFlight} requests still running; stopping anyway", timeout, drain.InFlight);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Host shutdown timeout passed with {InFlight} requests still running", drain.InFlight);
        }
    }

    private void Begin()
    {
        if (drain.IsDraining) return;
        drain.BeginDraining();
        logger.LogInformation("Draining: refusing new requests, {InFlight} in flight, waiting up to {Timeout}", drain.InFlight, options.Value.DrainTimeout);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
