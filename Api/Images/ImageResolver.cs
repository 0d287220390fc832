using FlorenceVL.Api.Errors;
using FlorenceVL.Api.Hosting;
using FlorenceVL.Api.Options;
using FlorenceVL.Contracts.Images;
using FlorenceVL.Engine.Serving;
using Microsoft.Extensions.Options;

namespace FlorenceVL.Api.Images;

/// <summary>An image the request refers to, with the JSON path used in errors about it.</summary>
public sealed record ImageReference(string Url, string Param)
{
    /// <summary>The part's <c>detail</c>: low runs the image at the model's smaller preset.</summary>
    public FlorenceVL.Engine.Processing.Images.ImageDetail Detail { get; init; }
}

/// <summary>A request's images: encoded bytes by index, and the stored features of those given by id (their bytes are empty).</summary>
public sealed record ResolvedImages(IReadOnlyList<ReadOnlyMemory<byte>> Bytes, IReadOnlyDictionary<int, StoredImage> Stored);

/// <summary>
/// Turns image references into encoded bytes, in request order. data: URLs are decoded first, so a malformed one is
/// reported before any download starts; images by id (<c>florencevl://img_...</c>) are looked up next, so an unknown
/// one is too; remote ones are then fetched concurrently.
/// </summary>
public sealed class ImageResolver
{
    private readonly RemoteImageFetcher _fetcher;
    private readonly IOptions<LimitsOptions> _limits;
    private readonly EngineHost? _host;

    public ImageResolver(RemoteImageFetcher fetcher, IOptions<LimitsOptions> limits) : this(fetcher, limits, null)
    {
    }

    /// <param name="host">Where images by id are looked up (the engine's <see cref="IImageStore"/>); none without it.</param>
    public ImageResolver(RemoteImageFetcher fetcher, IOptions<LimitsOptions> limits, EngineHost? host)
    {
        _fetcher = fetcher;
        _limits = limits;
        _host = host;
    }

    public async Task<IReadOnlyList<ReadOnlyMemory<byte>>> ResolveAsync(IReadOnlyList<ImageReference> images, CancellationToken cancellationToken) =>
        (await ResolveWithIdsAsync(images, cancellationToken)).Bytes;

    public async Task<ResolvedImages> ResolveWithIdsAsync(IReadOnlyList<ImageReference> images, CancellationToken cancellationToken)
    {
        var bytes = new byte[images.Count][];
        for (var i = 0; i < images.Count; i++)
            if (DataUrl.IsDataUrl(images[i].Url))
                bytes[i] = DataUrl.Decode(images[i].Url, images[i].Param, _limits.Value.MaxImageBytes);
        var stored = new Dictionary<int, StoredImage>();
        var byId = Enumerable.Range(0, images.Count).Where(i => ImageIds.IsImageIdUrl(images[i].Url)).ToList();
        if (byId.Count > 0)
        {
            var found = await Task.WhenAll(byId.Select(i => LookUpAsync(images[i], cancellationToken)));
            for (var k = 0; k < byId.Count; k++)
            {
                stored[byId[k]] = found[k];
                bytes[byId[k]] = [];
            }
        }
        var downloads = Enumerable.Range(0, images.Count)
            .Where(i => bytes[i] is null)
            .Select(async i => bytes[i] = await _fetcher.FetchAsync(images[i].Url, images[i].Param, cancellationToken));
        await Task.WhenAll(downloads);
        return new ResolvedImages(bytes.Select(b => (ReadOnlyMemory<byte>)b).ToList(), stored);
    }

    private async Task<StoredImage> LookUpAsync(ImageReference image, CancellationToken cancellationToken)
    {
        var id = image.Url[ImageIds.UrlPrefix.Length..];
        if (ImageIds.TryParseId(id, out var hash) && _host?.Engine?.Images is { } store
            && await store.GetAsync(hash, cancellationToken) is { } found)
            return found;
        throw OpenAIRequestException.Invalid(
            $"Invalid '{image.Param}': no image with id '{Shorten(id)}' is stored here (unknown or expired); upload it with POST /v1/images.",
            image.Param, ImageErrorCodes.ImageNotFound);
    }

    private static string Shorten(string id) => id.Length <= 100 ? id : id[..100] + "...";
}
