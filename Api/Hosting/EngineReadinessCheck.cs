using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlorenceVL.Api.Hosting;

/// <summary>Ready once weights are loaded and the warm-up generation has run (tagged "ready").</summary>
public sealed class EngineReadinessCheck(EngineHost host) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(host.IsReady
            ? HealthCheckResult.Healthy($"Model {host.Engine!.Model.Id} is loaded.")
            : HealthCheckResult.Unhealthy("The model is loading."));
}
