using System.Net;
using FlorenceVL.Api.Errors;
using FlorenceVL.Api.Options;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace FlorenceVL.Api.Images;

/// <summary>
/// Downloads an http(s) image: redirects are followed here, one hop at a time, so every hop passes the
/// <see cref="HostGuard"/>; the body must be an image/* and is read with a running size cap (Content-Length can lie).
/// </summary>
public sealed class RemoteImageFetcher(
    IHttpClientFactory clients, HostGuard guard, IOptions<RemoteImageOptions> options, IOptions<LimitsOptions> limits)
{
    public const string HttpClientName = "remote-images";

    public async Task<byte[]> FetchAsync(string url, string param, CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
            throw Refused(param, "This server accepts images as data: URLs only; remote image URLs are disabled.");
        try
        {
            return await FollowAsync(new Uri(url), param, cancellationToken);
        }
        catch (RemoteImageRefusedException refused)
        {
            throw Refused(param, refused.Message);
        }
        catch (HttpRequestException e) when (e.InnerException is RemoteImageRefusedException refused)
        {
            throw Refused(param, refused.Message);
        }
        catch (HttpRequestException e)
        {
            throw Refused(param, $"The image could not be downloaded ({e.HttpRequestError}).");
        }
        catch (TimeoutRejectedException)
        {
            throw Refused(param, "Downloading the image timed out.");
        }
    }

    private async Task<byte[]> FollowAsync(Uri url, string param, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(HttpClientName);
        for (var hop = 0; ; hop++)
        {
            if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
                throw new RemoteImageRefusedException($"Only http and https image URLs are fetched, not '{url.Scheme}'.");
            await guard.ResolveAllowedAsync(url.IdnHost, cancellationToken);
            using var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
            {
                if (hop >= options.Value.MaxRedirects)
                    throw new RemoteImageRefusedException($"The image URL redirected more than {options.Value.MaxRedirects} times.");
                url = new Uri(url, location);
                continue;
            }
            return await ReadImageAsync(response, param, cancellationToken);
        }
    }

    private async Task<byte[]> ReadImageAsync(HttpResponseMessage response, string param, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
            throw Refused(param, $"Downloading the image failed with HTTP {(int)response.StatusCode}.");
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is null || !mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
            throw Refused(param, $"The image URL returned content of type '{mediaType ?? "none"}', not an image.");
        var maxBytes = limits.Value.MaxImageBytes;
        if (response.Content.Headers.ContentLength > maxBytes)
            throw TooLarge(param, maxBytes);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await CappedRead.ReadAsync(body, maxBytes, cancellationToken) ?? throw TooLarge(param, maxBytes);
    }

    private static bool IsRedirect(HttpStatusCode status) => (int)status is 301 or 302 or 303 or 307 or 308;

    private static OpenAIRequestException Refused(string param, string message) =>
        OpenAIRequestException.Invalid(message, param, ImageErrorCodes.InvalidImageUrl);

    private static OpenAIRequestException TooLarge(string param, long maxBytes) =>
        OpenAIRequestException.Invalid($"The image is larger than the limit of {maxBytes} bytes.", param, ImageErrorCodes.ImageTooLarge);
}
