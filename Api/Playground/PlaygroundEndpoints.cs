using System.Security.Cryptography;
using FlorenceVL.Api.Options;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace FlorenceVL.Api.Playground;

/// <summary>
/// The chat playground: one HTML page, one script and one stylesheet embedded in the server assembly (no bundler, no
/// CDN, works offline), mapped as exact routes so nothing under /v1, /health, /metrics or /swagger is shadowed. Every
/// response carries a Content-Security-Policy that allows only the server's own scripts, styles and API, plus the
/// data: and blob: images the page makes from the pictures a user attaches.
/// </summary>
public static class PlaygroundEndpoints
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data: blob:; connect-src 'self'; script-src 'self'; style-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    /// <summary>Route, embedded resource, content type.</summary>
    private static readonly (string Route, string Resource, string ContentType)[] Assets =
    [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/playground/playground.js", "playground.js", "text/javascript; charset=utf-8"),
        ("/playground/playground.css", "playground.css", "text/css; charset=utf-8"),
    ];

    public static WebApplication MapFlorenceVLPlayground(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<PlaygroundOptions>>().Value.Enabled)
            return app;
        foreach (var (route, resource, contentType) in Assets)
        {
            var asset = Asset.Load(resource, contentType);
            app.MapMethods(route, [HttpMethods.Get, HttpMethods.Head], (HttpContext http) => asset.Write(http))
                .ExcludeFromDescription();
        }
        return app;
    }

    private sealed record Asset(byte[] Content, string ContentType, string ETag)
    {
        public static Asset Load(string name, string contentType)
        {
            var resource = $"FlorenceVL.Api.Playground.{name}";
            using var stream = typeof(PlaygroundEndpoints).Assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"The playground asset {resource} is not embedded in the server assembly.");
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var content = buffer.ToArray();
            return new Asset(content, contentType, $"\"{Convert.ToHexStringLower(SHA256.HashData(content))[..16]}\"");
        }

        public Task Write(HttpContext http)
        {
            var response = http.Response;
            response.Headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
            response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
            response.Headers["Referrer-Policy"] = "no-referrer";
            response.Headers[HeaderNames.CacheControl] = "no-cache";
            response.Headers[HeaderNames.ETag] = ETag;
            if (http.Request.Headers.IfNoneMatch == ETag)
            {
                response.StatusCode = StatusCodes.Status304NotModified;
                return Task.CompletedTask;
            }
            response.ContentType = ContentType;
            response.ContentLength = Content.Length;
            return HttpMethods.IsHead(http.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(Content).AsTask();
        }
    }
}
