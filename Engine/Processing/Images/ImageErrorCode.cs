namespace FlorenceVL.Engine.Processing.Images;

/// <summary>Why an image input was refused; <see cref="ImageErrorCodes.ToWire"/> gives the API's error code.</summary>
public enum ImageErrorCode
{
    Empty,
    TooLarge,
    TooManyPixels,
    UnsupportedFormat,
    Undecodable,
    Truncated,
}

public static class ImageErrorCodes
{
    /// <summary>The snake_case code the API puts in the OpenAI error body.</summary>
    public static string ToWire(this ImageErrorCode code) => code switch
    {
        ImageErrorCode.Empty => "empty",
        ImageErrorCode.TooLarge => "too_large",
        ImageErrorCode.TooManyPixels => "too_many_pixels",
        ImageErrorCode.UnsupportedFormat => "unsupported_format",
        ImageErrorCode.Undecodable => "undecodable",
        ImageErrorCode.Truncated => "truncated",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "Unknown image error code."),
    };
}
