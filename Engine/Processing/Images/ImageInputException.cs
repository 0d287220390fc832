namespace FlorenceVL.Engine.Processing.Images;

/// <summary>The client sent an image that cannot be used; the API maps it to HTTP 400 with <see cref="WireCode"/>.</summary>
public sealed class ImageInputException(ImageErrorCode code, string message) : Exception(message)
{
    public ImageErrorCode Code { get; } = code;

    public string WireCode => Code.ToWire();
}
