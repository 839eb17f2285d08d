using System.Net;
using System.Net.Sockets;

namespace Connectors.Vllm.Http;

/// <summary>
/// Classifies IP addresses for the private-network gate: loopback, RFC 1918, link-local, CGNAT,
/// "this network", unique-local, multicast and reserved ranges (and IPv4 addresses embedded in
/// IPv6 forms) are "private"; everything else is public.
/// </summary>
internal static class VllmAddressRanges
{
    /// <summary>The IPv4 ranges that are not public, each named as a refusal shows it.</summary>
    private static readonly Range[] V4Ranges =
    [
        new("0.0.0.0/8", "\"this network\""),
        new("10.0.0.0/8", "private"),
        new("100.64.0.0/10", "carrier-grade NAT"),
        new("127.0.0.0/8", "loopback"),
        new("169.254.0.0/16", "link-local"),
        new("172.16.0.0/12", "private"),
        new("192.168.0.0/16", "private"),
        new("224.0.0.0/4", "multicast"),
        new("240.0.0.0/4", "reserved"),
    ];

    /// <summary>The IPv6 ranges that are not public (a single address is shown as itself).</summary>
    private static readonly Range[] V6Ranges =
    [
        new("::/128", "unspecified"),
        new("::1/128", "loopback"),
        new("fc00::/7", "unique local"),
        new("fe80::/10", "link-local"),
        new("fec0::/10", "site-local"),
        new("ff00::/8", "multicast"),
    ];

    /// <summary>
    /// IPv6 forms that reach an embedded IPv4 address, classified by that address: IPv4-compatible (deprecated, still
    /// routed to it by some stacks; refused even when it is public), the NAT64 well-known prefix and 6to4 (tunnelled
    /// to the IPv4 address in bytes 2–5). IPv4-mapped addresses (::ffff:0:0/96) are tested before any IPv6 range:
    /// <see cref="IPNetwork.Contains"/> compares them as IPv4 on some runtimes, even against an IPv6 network.
    /// </summary>
    private static readonly Embedding[] Embeddings =
    [
        new("::/96", "IPv4-compatible", 12, WhenPublic: "IPv4-compatible (deprecated)"),
        new("64:ff9b::/96", "NAT64", 12, WhenPublic: null),
        new("2002::/16", "6to4", 2, WhenPublic: null),
    ];

    /// <summary>The name of the range <paramref name="address"/> falls in, or <see langword="null"/> for a public address.</summary>
    public static string? Classify(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => Find(V4Ranges, address),
            AddressFamily.InterNetworkV6 when address.IsIPv4MappedToIPv6 => Embedded("IPv4-mapped", Find(V4Ranges, address.MapToIPv4())),
            AddressFamily.InterNetworkV6 => Find(V6Ranges, address) ?? ClassifyEmbedded(address),
            _ => "non-IP",
        };
    }

    /// <summary>Whether <paramref name="address"/> is a loopback address (127.0.0.0/8, ::1, or their IPv4-mapped form).</summary>
    public static bool IsLoopback(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var v4 = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return IPAddress.IsLoopback(v4);
    }

    private static string? ClassifyEmbedded(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        foreach (var embedding in Embeddings)
        {
            if (embedding.Prefix.Contains(address))
            {
                return Embedded(embedding.Form, Find(V4Ranges, new IPAddress(bytes.Slice(embedding.V4Offset, 4)))) ?? embedding.WhenPublic;
            }
        }

        return null;
    }

    private static string? Embedded(string form, string? v4Range)
        => v4Range is null ? null : $"{form} {v4Range}";

    private static string? Find(Range[] ranges, IPAddress address)
    {
        foreach (var range in ranges)
        {
            if (range.Network.Contains(address))
            {
                return range.Name;
            }
        }

        return null;
    }

    /// <summary>A non-public range and its name as refusals show it: <c>private (10.0.0.0/8)</c>, <c>loopback (::1)</c>.</summary>
    private sealed class Range
    {
        public Range(string cidr, string label)
        {
            Network = IPNetwork.Parse(cidr);
            var singleAddress = Network.PrefixLength == (Network.BaseAddress.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
            Name = $"{label} ({(singleAddress ? Network.BaseAddress.ToString() : cidr)})";
        }

        public IPNetwork Network { get; }

        public string Name { get; }
    }

    private sealed record Embedding(string Cidr, string Form, int V4Offset, string? WhenPublic)
    {
        public IPNetwork Prefix { get; } = IPNetwork.Parse(Cidr);
    }
}
