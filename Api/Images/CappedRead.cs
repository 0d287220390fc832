namespace FlorenceVL.Api.Images;

/// <summary>Reads a stream to its end unless it passes a byte cap, without trusting any declared length.</summary>
public static class CappedRead
{
    /// <summary>The bytes, or null as soon as more than <paramref name="maxBytes"/> arrive.</summary>
    public static async Task<byte[]?> ReadAsync(Stream stream, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
