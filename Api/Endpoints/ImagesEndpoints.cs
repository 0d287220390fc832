using System.Text.Json;
using FlorenceVL.Api.Errors;
using FlorenceVL.Api.Hosting;
using FlorenceVL.Api.Images;
using FlorenceVL.Api.Mapping;
using FlorenceVL.Api.Options;
using FlorenceVL.Contracts;
using FlorenceVL.Contracts.Errors;
using FlorenceVL.Contracts.Images;
using FlorenceVL.Engine.Processing.Images;
using FlorenceVL.Engine.Serving;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace FlorenceVL.Api.Endpoints;

/// <summary>
/// <c>POST /v1/images</c> (issue 20): accept an image once, as multipart/form-data (field <c>file</c>) or JSON
/// <c>{"url": "data:..."}</c> / an http(s) URL (fetched like a chat image, SSRF guard included); preprocess it as a chat
/// request would, run the vision tower once, store its fused features synchronously, and answer its id.
/// </summary>
public static class ImagesEndpoints
{
    /// <summary>Room for the multipart framing around the file.</summary>
    private const long MultipartOverheadBytes = 64 * 1024;

    public static async Task<Results<JsonHttpResult<ImageObject>, OpenAIErrorResult>> CreateImage(
        HttpRequest http, EngineHost host, ImageResolver resolver, IOptions<LimitsOptions> limits, CancellationToken cancellationToken)
    {
        if (host.Engine?.Images is not { } store)
            return OpenAIErrors.From(OpenAIErrorReply.InvalidRequest("This server does not store images.", null, OpenAIErrorCodes.UnsupportedValue) with { StatusCode = 404 });
        try
        {
            var (bytes, param) = http.HasFormContentType
                ? await ReadMultipartAsync(http, limits.Value, cancellationToken)
                : await ReadJsonAsync(http, resolver, limits.Value, cancellationToken);
            StoredImageInfo stored;
            try { stored = await store.PutAsync(bytes, cancellationToken); }
            catch (ImageInputException image) { throw OpenAIRequestException.Invalid(image.Message, param, image.WireCode); }
            return TypedResults.Json(new ImageObject
            {
                Id = ImageIds.IdOf(stored.ContentHash),
                CreatedAt = stored.StoredAt.ToUnixTimeSeconds(),
                ExpiresAt = stored.ExpiresAt.ToUnixTimeSeconds(),
                VisualTokens = stored.NumVisualTokens,
            }, ContractsJsonContext.Default.ImageObject);
        }
        catch (ImageStoreUnavailableException unavailable)
        {
            return OpenAIErrors.From(OpenAIErrorReply.ServiceUnavailable(unavailable.Message, TimeSpan.FromSeconds(1)));
        }
        catch (Exception e) when (ExceptionReplies.ForClient(e) is { } reply)
        {
            return OpenAIErrors.From(reply);
        }
    }

    private static async Task<(byte[] Bytes, string Param)> ReadMultipartAsync(HttpRequest http, LimitsOptions limits, CancellationToken cancellationToken)
    {
        var maxBytes = limits.MaxImageBytes + MultipartOverheadBytes;
        if (http.ContentLength > maxBytes) throw TooLarge(maxBytes);
        if (http.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = maxBytes + 1;
        http.HttpContext.Features.Set<IFormFeature>(new FormFeature(http, new FormOptions
        {
            MultipartBodyLengthLimit = maxBytes,
            ValueCountLimit = 16,
        }));
        IFormCollection form;
        try { form = await http.ReadFormAsync(cancellationToken); }
        catch (InvalidDataException) { throw TooLarge(maxBytes); } // the multipart limit, or a malformed body
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge) { throw TooLarge(maxBytes); }
        if (form.Files.GetFile("file") is not { } file)
            throw OpenAIRequestException.Invalid("Missing required parameter: 'file' (the image, as a multipart/form-data file field).",
                "file", OpenAIErrorCodes.MissingRequiredParameter);
        if (file.Length > limits.MaxImageBytes)
            throw OpenAIRequestException.Invalid($"Invalid 'file': the image is {file.Length} bytes; this server accepts at most {limits.MaxImageBytes}.",
                "file", Images.ImageErrorCodes.ImageTooLarge);
        using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, cancellationToken);
        return (buffer.ToArray(), "file");
    }

    private static async Task<(byte[] Bytes, string Param)> ReadJsonAsync(HttpRequest http, ImageResolver resolver, LimitsOptions limits, CancellationToken cancellationToken)
    {
        if (await RequestBody.ReadCappedAsync(http, limits.MaxRequestBodyBytes, cancellationToken) is not { } body)
            throw new OpenAIRequestException(OpenAIErrorReply.RequestTooLarge(limits.MaxRequestBodyBytes));
        ImageUploadRequest? request;
        try { request = JsonSerializer.Deserialize(body, ContractsJsonContext.Default.ImageUploadRequest); }
        catch (JsonException)
        {
            throw OpenAIRequestException.Invalid(
                "The body must be multipart/form-data with a 'file' field, or a JSON object {\"url\": \"data:image/...;base64,...\"}.",
                null, OpenAIErrorCodes.InvalidJson);
        }
        if (request?.Url is not { Length: > 0 } url)
            throw OpenAIRequestException.Invalid("Missing required parameter: 'url'.", "url", OpenAIErrorCodes.MissingRequiredParameter);
        if (ImageIds.IsImageIdUrl(url))
            throw OpenAIRequestException.Invalid("Invalid 'url': expected a 'data:' URL or an http(s) URL, not an image id.", "url", OpenAIErrorCodes.InvalidValue);
        var resolved = await resolver.ResolveAsync([new ImageReference(url, "url")], cancellationToken);
        return (resolved[0].ToArray(), "url");
    }

    private static OpenAIRequestException TooLarge(long maxBytes) => new(OpenAIErrorReply.RequestTooLarge(maxBytes));
}
