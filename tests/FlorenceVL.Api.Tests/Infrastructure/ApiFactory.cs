using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FlorenceVL.Api.Tests.Infrastructure;

/// <summary>
/// The real server in process, with the real engine on models/florence-vl-tiny. Subclasses add settings; one instance
/// serves a whole test class (IClassFixture), so the model loads once per class.
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>
{
    public const string Model = "florence-vl-tiny";

    /// <summary>Small KV cache and no warm-up: the tests load several servers and want them quickly.</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        // The random-weight test model (25 visual tokens, deterministic), not the trained default.
        ["FlorenceVL:Model:Path"] = "models/florence-vl-tiny",
        ["FlorenceVL:Scheduler:KvCacheBytes"] = (8 * 1024 * 1024).ToString(),
        ["FlorenceVL:Scheduler:WarmUp"] = "false",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(Settings));
        builder.ConfigureTestServices(ConfigureServices);
    }

    /// <summary>A client for a server whose model has finished loading.</summary>
    public async Task<HttpClient> ReadyClientAsync()
    {
        var client = CreateClient();
        await Ready.WaitAsync(client, TimeSpan.FromSeconds(90));
        return client;
    }
}

public static class Ready
{
    public static async Task WaitAsync(HttpClient client, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var response = await client.GetAsync("/health/ready");
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The server at {client.BaseAddress} was not ready within {timeout}.");
            await Task.Delay(100);
        }
    }
}
