using FlorenceVL.Api.Errors;

namespace FlorenceVL.Api.Images;

/// <summary>Decodes <c>data:image/...;base64,...</c>; the size is checked from the text's length before decoding.</summary>
public static class DataUrl
{
    public static bool IsDataUrl(string url) => url.StartsWith("data:", StringComparison.OrdinalIgnoreCase);

    public static byte[] Decode(string url, string param, long maxBytes)
    {
        var comma = url.IndexOf(',');
        if (comma < 0)
            throw Invalid(param, "The data: URL has no ',' before its payload.");
        var header = url.AsSpan(5, comma - 5);
        if (!header.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
            throw Invalid(param, "Image data: URLs must be base64-encoded (data:image/png;base64,...).");
        var mediaType = header[..header.IndexOf(';')];
        if (mediaType.Length > 0 && !mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
            throw Invalid(param, $"The data: URL has media type '{mediaType}', not an image type.");
        var payload = url.AsSpan(comma + 1);
        if ((long)payload.Length / 4 * 3 > maxBytes + 3)
            throw OpenAIRequestException.Invalid($"The image is larger than the limit of {maxBytes} bytes.", param, ImageErrorCodes.ImageTooLarge);
        var bytes = new byte[payload.Length / 4 * 3 + 3];
        if (!Convert.TryFromBase64Chars(payload, bytes, out var written))
            throw Invalid(param, "The data: URL payload is not valid base64.");
        return bytes[..written];
    }

    private static OpenAIRequestException Invalid(string param, string message) =>
        OpenAIRequestException.Invalid(message, param, ImageErrorCodes.InvalidImageUrl);
}
