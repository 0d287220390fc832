using Microsoft.Extensions.Options;

namespace FlorenceVL.Api.Hosting;

/// <summary>Bad settings end the process at start-up with one readable line per problem, not a stack trace.</summary>
public static class StartupFailure
{
    public const int InvalidConfigurationExitCode = 2;

    public static async Task<int> RunOrReportAsync(this WebApplication app)
    {
        try
        {
            await app.RunAsync();
            return Environment.ExitCode;
        }
        catch (OptionsValidationException e)
        {
            await Console.Error.WriteLineAsync("FlorenceVL.Api cannot start, the configuration is invalid:");
            foreach (var failure in e.Failures)
                await Console.Error.WriteLineAsync("  " + failure);
            return InvalidConfigurationExitCode;
        }
        catch (InvalidOperationException e) when (e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            await Console.Error.WriteLineAsync($"FlorenceVL.Api cannot start, the configuration is invalid:\n  {e.Message}");
            return InvalidConfigurationExitCode;
        }
    }
}
