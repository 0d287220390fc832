using FlorenceVL.Contracts.Chat;
using FlorenceVL.Contracts.Errors;

namespace FlorenceVL.Contracts.Validation;

/// <summary>Checks one content part: its type is implemented, allowed for the role, and complete.</summary>
internal static class PartValidator
{
    public static void Validate(List<RequestError> errors, string path, string role, ContentPart? part)
    {
        if (part is null)
        {
            errors.Add(MessagesValidator.NullWhereObjectExpected(path));
            return;
        }
        if (part is TextPart or ImageUrlPart)
            UnrecognizedFieldPolicy.CheckStrict(errors, path, part.UnrecognizedFields);
        switch (part)
        {
            case TextPart text:
                if (text.Text is null)
                    errors.Add(ChatRequestValidator.Missing(JsonPath.Property(path, "text")));
                break;
            case ImageUrlPart image:
                ValidateImage(errors, path, role, image);
                break;
            case UnsupportedPart unsupported:
                errors.Add(new RequestError(
                    $"Unsupported value: '{JsonPath.Property(path, "type")}' does not support '{unsupported.TypeName}' "
                    + "with this server. Supported values are: 'text' and 'image_url'.",
                    JsonPath.Property(path, "type"), OpenAIErrorCodes.UnsupportedValue));
                break;
            default:
                errors.Add(new RequestError(
                    $"Invalid '{JsonPath.Property(path, "type")}': expected one of 'text' or 'image_url' "
                    + "(the part's type is missing, not a string, or not a known part type).",
                    JsonPath.Property(path, "type"), OpenAIErrorCodes.InvalidValue));
                break;
        }
    }

    private static void ValidateImage(List<RequestError> errors, string path, string role, ImageUrlPart part)
    {
        if (role != ChatRole.User)
            errors.Add(new RequestError(
                $"Invalid '{path}': image parts are only allowed in messages with role 'user', but this message has role '{role}'.",
                path, OpenAIErrorCodes.InvalidValue));
        var imagePath = JsonPath.Property(path, "image_url");
        if (part.ImageUrl is not { } image)
        {
            errors.Add(ChatRequestValidator.Missing(imagePath));
            return;
        }
        UnrecognizedFieldPolicy.CheckStrict(errors, imagePath, image.UnrecognizedFields);
        var urlPath = JsonPath.Property(imagePath, "url");
        if (string.IsNullOrEmpty(image.Url))
            errors.Add(ChatRequestValidator.Missing(urlPath));
        else if (!HasSupportedScheme(image.Url))
            errors.Add(new RequestError(
                $"Invalid '{urlPath}': expected a 'data:' URL or an http(s) URL.", urlPath, OpenAIErrorCodes.InvalidValue));
        var detailPath = JsonPath.Property(imagePath, "detail");
        if (image.Detail is { } detail && !ImageDetail.IsKnown(detail))
            errors.Add(new RequestError(
                $"Invalid value for '{detailPath}': '{detail}'. Supported values are: 'auto', 'low', and 'high'.",
                detailPath, OpenAIErrorCodes.InvalidValue));
    }

    private static bool HasSupportedScheme(string url) =>
        url.StartsWith("data:", StringComparison.OrdinalIgnoreCase)
        || Images.ImageIds.IsImageIdUrl(url) // an uploaded image (POST /v1/images); the server checks the id
        || (Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps));
}
