using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlorenceVL.Api.Tests.Infrastructure;

/// <summary>
/// A small real HTTP server on 127.0.0.1 that plays an image host: images, a web page, an oversized body without a
/// Content-Length, redirects (one to a loopback literal, which the API must refuse), a host that fails once per id and
/// one that never answers in time.
/// </summary>
public sealed class ImageOrigin : IAsyncLifetime
{
    public const long OversizedBytes = 3 * 1024 * 1024;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _failures = new();
    private WebApplication? _app;

    public static byte[] Png { get; } = TestImages.Png(seed: 21);

    public int Port { get; private set; }

    /// <summary>The URL by host name, which servers under test allow-list ("localhost").</summary>
    public string Url(string path) => $"http://localhost:{Port}{path}";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/image.png", () => Results.Bytes(Png, "image/png"));
        _app.MapGet("/image.jpg", () => Results.Bytes(TestImages.Jpeg(seed: 22), "image/jpeg"));
        _app.MapGet("/page.html", () => Results.Content("<html>not an image</html>", "text/html"));
        _app.MapGet("/oversized.png", WriteOversizedAsync);
        _app.MapGet("/missing.png", () => Results.NotFound());
        _app.MapGet("/redirect-to-image", () => Results.Redirect("/image.png"));
        _app.MapGet("/redirect-to-loopback", () => Results.Redirect($"http://127.0.0.1:{Port}/image.png"));
        _app.MapGet("/redirect-to-metadata", () => Results.Redirect("http://169.254.169.254/latest/meta-data/"));
        _app.MapGet("/redirect-loop", () => Results.Redirect("/redirect-loop"));
        _app.MapGet("/flaky.png", (string id) => _failures.AddOrUpdate(id, 1, (_, n) => n + 1) == 1
            ? Results.StatusCode(503) : Results.Bytes(Png, "image/png"));
        _app.MapGet("/slow.png", async (CancellationToken aborted) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), aborted);
            return Results.Bytes(Png, "image/png");
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Port = new Uri(address).Port;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
            await _app.DisposeAsync();
    }

    /// <summary>Streams more bytes than any test limit, chunked, so only a running count can stop it.</summary>
    private static async Task WriteOversizedAsync(HttpContext context)
    {
        context.Response.ContentType = "image/png";
        var block = new byte[64 * 1024];
        for (long sent = 0; sent < OversizedBytes && !context.RequestAborted.IsCancellationRequested; sent += block.Length)
            await context.Response.Body.WriteAsync(block, context.RequestAborted);
    }
}
