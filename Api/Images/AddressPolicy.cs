using System.Net;
using System.Net.Sockets;

namespace FlorenceVL.Api.Images;

/// <summary>
/// Which addresses a remote image may come from: public unicast only. Loopback, private (RFC 1918, ULA), link-local
/// (and with it the cloud metadata address 169.254.169.254), CGNAT, documentation, benchmarking, multicast and reserved
/// ranges are refused, and so are IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4) when that address is.
/// </summary>
public static class AddressPolicy
{
    private static readonly IPNetwork[] NonPublicV4 =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"),
        IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.0.2.0/24"), IPNetwork.Parse("192.88.99.0/24"),
        IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("198.18.0.0/15"), IPNetwork.Parse("198.51.100.0/24"),
        IPNetwork.Parse("203.0.113.0/24"), IPNetwork.Parse("224.0.0.0/4"), IPNetwork.Parse("240.0.0.0/4"),
    ];

    private static readonly IPNetwork[] NonPublicV6 =
    [
        IPNetwork.Parse("::/96"),          // unspecified, loopback and the deprecated IPv4-compatible form
        IPNetwork.Parse("100::/64"),       // discard
        IPNetwork.Parse("2001::/32"),      // Teredo: tunnels to an arbitrary IPv4 host
        IPNetwork.Parse("2001:db8::/32"),  // documentation
        IPNetwork.Parse("fc00::/7"),       // unique local
        IPNetwork.Parse("fe80::/10"),      // link-local
        IPNetwork.Parse("fec0::/10"),      // site-local (deprecated)
        IPNetwork.Parse("ff00::/8"),       // multicast
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            return IsPublic(address.MapToIPv4());
        if (address.AddressFamily == AddressFamily.InterNetwork)
            return !NonPublicV4.Any(n => n.Contains(address)) && !address.Equals(IPAddress.Broadcast);
        if (address.AddressFamily != AddressFamily.InterNetworkV6 || NonPublicV6.Any(n => n.Contains(address)))
            return false;
        var bytes = address.GetAddressBytes();
        if (Nat64.Contains(address))
            return IsPublic(new IPAddress(bytes[12..16]));
        if (SixToFour.Contains(address))
            return IsPublic(new IPAddress(bytes[2..6]));
        return true;
    }
}
