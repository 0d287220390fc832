namespace FlorenceVL.Api.Images;

/// <summary>The image URL points somewhere this server will not connect to (a non-public address, a bad scheme).</summary>
public sealed class RemoteImageRefusedException(string message) : Exception(message);
