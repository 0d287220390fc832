using FlorenceVL.Api.Images;
using Microsoft.AspNetCore.Http.Features;

namespace FlorenceVL.Api.Mapping;

/// <summary>Reads a request body up to a byte limit, whether or not the client declared its length.</summary>
public static class RequestBody
{
    /// <summary>The body, or null when it is larger than <paramref name="maxBytes"/>.</summary>
    public static async Task<byte[]?> ReadCappedAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
            return null;
        // Kestrel enforces its own limit (30 MB by default); align it with ours so neither cuts the other short.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            feature.MaxRequestBodySize = maxBytes + 1;
        try
        {
            return await CappedRead.ReadAsync(request.Body, maxBytes, cancellationToken);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
    }
}
