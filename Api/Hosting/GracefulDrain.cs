using FlorenceVL.Api.Options;

namespace FlorenceVL.Api.Hosting;

/// <summary>Wires the SIGTERM drain: options, state, the stopping-phase wait and the middleware.</summary>
public static class GracefulDrain
{
    /// <summary>Time the host keeps after the drain for the engine and Kestrel to stop.</summary>
    private static readonly TimeSpan StopMargin = TimeSpan.FromSeconds(10);

    public static WebApplicationBuilder AddFlorenceVLDrain(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ShutdownOptions>().BindConfiguration(ShutdownOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        var drainTimeout = builder.Configuration.GetSection(ShutdownOptions.Section).Get<ShutdownOptions>()?.DrainTimeout
            ?? new ShutdownOptions().DrainTimeout;
        // The host's stop token bounds the drain wait: it must outlast the drain timeout.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = drainTimeout + StopMargin);
        builder.Services.AddSingleton<DrainState>();
        builder.Services.AddHostedService<DrainService>();
        return builder;
    }

    public static IApplicationBuilder UseFlorenceVLDrain(this IApplicationBuilder app) => app.UseMiddleware<DrainMiddleware>();
}
