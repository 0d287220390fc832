namespace FlorenceVL.Api.Images;

/// <summary>Codes for image problems found before decoding (the engine's decode errors carry their own codes).</summary>
public static class ImageErrorCodes
{
    /// <summary>OpenAI's code for an image URL it cannot use.</summary>
    public const string InvalidImageUrl = "invalid_image_url";

    public const string ImageTooLarge = "too_large";

    public const string TooManyImages = "too_many_images";

    /// <summary>A <c>florencevl://img_...</c> URL whose id is malformed, unknown or expired (POST /v1/images).</summary>
    public const string ImageNotFound = "image_not_found";
}
