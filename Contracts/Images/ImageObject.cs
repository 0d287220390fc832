namespace FlorenceVL.Contracts.Images;

/// <summary>
/// Answer of <c>POST /v1/images</c>: an image the server has preprocessed and encoded once, which chat requests then
/// refer to as <c>{"type": "image_url", "image_url": {"url": "florencevl://img_..."}}</c> (see <see cref="ImageIds"/>).
/// </summary>
public sealed record ImageObject
{
    /// <summary><c>img_</c> and the image's content hash (decoded pixels and preprocessing): the same picture gets the same id.</summary>
    public required string Id { get; init; }

    public string Object { get; init; } = "image";

    /// <summary>Unix time in seconds of this upload.</summary>
    public required long CreatedAt { get; init; }

    /// <summary>When the stored features expire (the feature store's TTL after this upload); uploading again renews it.</summary>
    public required long ExpiresAt { get; init; }

    /// <summary>Visual tokens the image takes in a prompt (the model's tokens per image), as counted in usage.</summary>
    public required int VisualTokens { get; init; }
}

/// <summary>The JSON form of <c>POST /v1/images</c>: a <c>data:</c> URL or an http(s) URL, as in a chat request's image_url.</summary>
public sealed record ImageUploadRequest
{
    public string? Url { get; init; }
}

/// <summary>How chat requests name an uploaded image.</summary>
public static class ImageIds
{
    /// <summary>The URL scheme of an image by id: <c>florencevl://img_&lt;hash&gt;</c>.</summary>
    public const string UrlPrefix = "florencevl://";

    public const string IdPrefix = "img_";

    public static bool IsImageIdUrl(string url) => url.StartsWith(UrlPrefix, StringComparison.OrdinalIgnoreCase);

    public static string IdOf(string contentHash) => IdPrefix + contentHash;

    public static string UrlOf(string id) => UrlPrefix + id;

    /// <summary>The content hash an id (<c>img_</c> + 64 lowercase hex digits) names; false for anything else.</summary>
    public static bool TryParseId(string id, out string contentHash)
    {
        contentHash = "";
        if (!id.StartsWith(IdPrefix, StringComparison.Ordinal) || id.Length != IdPrefix.Length + 64) return false;
        var hash = id[IdPrefix.Length..];
        if (!hash.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f')) return false;
        contentHash = hash;
        return true;
    }
}
