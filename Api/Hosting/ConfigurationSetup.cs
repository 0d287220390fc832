using Microsoft.Extensions.Configuration.Json;

namespace FlorenceVL.Api.Hosting;

/// <summary>
/// The repository's top-level appsettings.json is the one settings file (linked into the build output). It is added as
/// the lowest-priority source, so environment variables (FlorenceVL__Section__Key) and the command line override it.
/// `--model folder` is a short form of FlorenceVL:Model:Path.
/// </summary>
public static class ConfigurationSetup
{
    public static WebApplicationBuilder AddFlorenceVLConfiguration(this WebApplicationBuilder builder, string[] args)
    {
        var shipped = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        if (File.Exists(shipped))
            builder.Configuration.Sources.Insert(0, new JsonConfigurationSource { Path = shipped, Optional = true, ReloadOnChange = false }
                .WithResolvedProvider());
        builder.Configuration.AddCommandLine(args, new Dictionary<string, string> { ["--model"] = "FlorenceVL:Model:Path" });
        // A failed start is reported once: bad settings as one line each by RunOrReportAsync, anything else by the runtime.
        // The host's own "Hosting failed to start" copy would bury that line under a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        return builder;
    }

    private static JsonConfigurationSource WithResolvedProvider(this JsonConfigurationSource source)
    {
        source.ResolveFileProvider();
        return source;
    }
}
