using System.Text.Json;
using FlorenceVL.Api.Hosting;
using FlorenceVL.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace FlorenceVL.Api.Tests;

/// <summary>Settings come from the top-level appsettings.json with environment overrides; bad ones stop the server at start-up.</summary>
public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("FlorenceVL:Scheduler:MaxNumSeqs", "0", "FlorenceVL:Scheduler:MaxNumSeqs")]
    [InlineData("FlorenceVL:Scheduler:MaxWaiting", "0", "FlorenceVL:Scheduler:MaxWaiting")]
    [InlineData("FlorenceVL:Limits:MaxRequestBodyBytes", "10", "FlorenceVL:Limits:MaxRequestBodyBytes")]
    [InlineData("FlorenceVL:Limits:MaxImagesPerRequest", "1000", "FlorenceVL:Limits:MaxImagesPerRequest")]
    [InlineData("FlorenceVL:Model:DType", "float64", "FlorenceVL:Model:DType")]
    [InlineData("FlorenceVL:Model:Device", "tpu", "FlorenceVL:Model:Device")]
    [InlineData("FlorenceVL:Model:Path", "/no/such/checkpoint", "FlorenceVL:Model:Path")]
    [InlineData("FlorenceVL:Auth:ApiKeysFile", "/no/such/keys.txt", "FlorenceVL:Auth:ApiKeysFile")]
    [InlineData("FlorenceVL:RemoteImages:TimeoutSeconds", "0", "FlorenceVL:RemoteImages:TimeoutSeconds")]
    public async Task A_bad_setting_stops_the_server_at_start_up_naming_the_setting(string key, string value, string named)
    {
        // The server's own start-up path (settings file, AddFlorenceVL, ValidateOnStart) on Kestrel; WebApplicationFactory
        // cannot be disposed after a failed start.
        var builder = WebApplication.CreateBuilder();
        builder.AddFlorenceVLConfiguration([]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value, ["Urls"] = "http://127.0.0.1:0" });
        builder.AddFlorenceVL();
        await using var app = builder.Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());

        Assert.Contains(named, Messages(error));
    }

    [Fact]
    public void The_top_level_appsettings_file_is_loaded_with_its_defaults()
    {
        using var factory = new ApiFactory();
        _ = factory.CreateClient();

        var configuration = factory.Services.GetRequiredService<IConfiguration>();

        using var shipped = JsonDocument.Parse(File.ReadAllText(Repository.Path("appsettings.json")));
        Assert.Equal(shipped.RootElement.GetProperty("Urls").GetString(), configuration["Urls"]);
        Assert.Equal("http://127.0.0.1:8000", configuration["Urls"]);
    }

    [Fact]
    public async Task A_bad_environment_setting_ends_the_process_with_a_clear_message_and_no_stack_trace()
    {
        await using var server = ServerProcess.Start(new Dictionary<string, string> { ["FlorenceVL__Scheduler__MaxNumSeqs"] = "0" });

        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        Assert.Contains("configuration is invalid", server.Output);
        Assert.Contains("FlorenceVL:Scheduler:MaxNumSeqs", server.Output);
        Assert.DoesNotContain("   at ", server.Output);
    }

    [Fact]
    public async Task A_setting_that_is_not_a_number_ends_the_process_with_a_clear_message()
    {
        await using var server = ServerProcess.Start(new Dictionary<string, string> { ["FlorenceVL__Scheduler__BlockSize"] = "sixteen" });

        var exitCode = await server.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exitCode);
        Assert.Contains("FlorenceVL:Scheduler:BlockSize", server.Output);
        Assert.DoesNotContain("   at ", server.Output);
    }

    [Fact]
    public async Task The_model_switch_and_environment_overrides_configure_a_running_server()
    {
        await using var server = ServerProcess.Start(
            new Dictionary<string, string> { ["FlorenceVL__Model__ServedModelName"] = "my-vlm" },
            extraArgs: ["--model", Path.Combine("models", "florence-vl-tiny")]);
        await server.WaitUntilReadyAsync();
        using var client = server.CreateClient();

        using var models = JsonDocument.Parse(await client.GetStringAsync("/v1/models"));

        Assert.Equal("my-vlm", models.RootElement.GetProperty("data")[0].GetProperty("id").GetString());
        Assert.Contains(Path.Combine(Repository.Root, "models", "florence-vl-tiny"), server.Output);
    }

    private static string Messages(Exception error) =>
        string.Join(" | ", Flatten(error).Select(e => e.Message));

    private static IEnumerable<Exception> Flatten(Exception error)
    {
        yield return error;
        if (error is AggregateException aggregate)
            foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten)) yield return inner;
        else if (error.InnerException is { } inner)
            foreach (var nested in Flatten(inner)) yield return nested;
    }
}
