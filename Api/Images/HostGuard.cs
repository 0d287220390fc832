using System.Net;
using System.Net.Sockets;
using FlorenceVL.Api.Options;
using Microsoft.Extensions.Options;

namespace FlorenceVL.Api.Images;

/// <summary>
/// Resolves a host and keeps only addresses the policy allows; used before each request (clear errors, no wasted
/// retries) and again inside the connection callback, which connects to exactly the addresses it checked, so a DNS
/// answer that changes between check and connect (rebinding) cannot slip through.
/// </summary>
public sealed class HostGuard(IOptions<RemoteImageOptions> options)
{
    public async Task<IPAddress[]> ResolveAllowedAsync(string host, CancellationToken cancellationToken)
    {
        host = host.Trim('[', ']');
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await ResolveAsync(host, cancellationToken);
        if (IsAllowListed(host))
            return addresses;
        if (addresses.Length == 0 || !addresses.All(AddressPolicy.IsPublic))
            throw new RemoteImageRefusedException(
                $"The image host '{host}' resolves to a loopback, private, link-local or otherwise non-public address; this server does not fetch from those.");
        return addresses;
    }

    /// <summary>SocketsHttpHandler.ConnectCallback: connect only to addresses that passed the policy.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = await ResolveAllowedAsync(context.DnsEndPoint.Host, cancellationToken);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private bool IsAllowListed(string host) =>
        options.Value.AllowedHosts.Any(allowed => string.Equals(allowed.Trim('[', ']'), host, StringComparison.OrdinalIgnoreCase));

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        try
        {
            return await Dns.GetHostAddressesAsync(host, cancellationToken);
        }
        catch (SocketException)
        {
            throw new RemoteImageRefusedException($"The image host '{host}' could not be resolved.");
        }
    }
}
