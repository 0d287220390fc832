using FlorenceVL.Api.Options;
using Microsoft.Extensions.Options;

namespace FlorenceVL.Api.Images;

/// <summary>An image the request refers to, with the JSON path used in errors about it.</summary>
public sealed record ImageReference(string Url, string Param);

/// <summary>
/// Turns image references into encoded bytes, in request order. data: URLs are decoded first, so a malformed one is
/// reported before any download starts; remote ones are then fetched concurrently.
/// </summary>
public sealed class ImageResolver(RemoteImageFetcher fetcher, IOptions<LimitsOptions> limits)
{
    public async Task<IReadOnlyList<ReadOnlyMemory<byte>>> ResolveAsync(IReadOnlyList<ImageReference> images, CancellationToken cancellationToken)
    {
        var bytes = new byte[images.Count][];
        for (var i = 0; i < images.Count; i++)
            if (DataUrl.IsDataUrl(images[i].Url))
                bytes[i] = DataUrl.Decode(images[i].Url, images[i].Param, limits.Value.MaxImageBytes);
        var downloads = Enumerable.Range(0, images.Count)
            .Where(i => bytes[i] is null)
            .Select(async i => bytes[i] = await fetcher.FetchAsync(images[i].Url, images[i].Param, cancellationToken));
        await Task.WhenAll(downloads);
        return bytes.Select(b => (ReadOnlyMemory<byte>)b).ToList();
    }
}
