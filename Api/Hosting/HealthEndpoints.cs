using System.Text.Json;
using FlorenceVL.Api.Errors;
using FlorenceVL.Contracts.Errors;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlorenceVL.Api.Hosting;

/// <summary>Kubernetes probes, open without an API key: live as soon as the process serves, ready once the model is.</summary>
public static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    public static IEndpointRouteBuilder MapFlorenceVLHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteReadinessAsync,
        });
        return app;
    }

    /// <summary>Not ready answers in OpenAI's 503 shape, like /v1 does, so one client-side rule covers both.</summary>
    private static Task WriteReadinessAsync(HttpContext context, HealthReport report)
    {
        if (report.Status != HealthStatus.Healthy)
            return OpenAIErrorResult.WriteAsync(context.Response,
                OpenAIErrorReply.ServiceUnavailable("The model is still loading. Please retry shortly.", TimeSpan.FromSeconds(5)));
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new { status = "ready" }));
    }
}
