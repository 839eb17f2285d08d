using System;
using System.Net;
using System.Net.Sockets;

namespace Connectors.Vllm.Http;

/// <summary>
/// Classifies IP addresses for the private-network gate: loopback, RFC 1918, link-local, CGNAT,
/// "this network", unique-local, multicast and reserved ranges (and IPv4 addresses embedded in
/// IPv6 forms) are "private"; everything else is public.
/// </summary>
internal static class VllmNetworkGate
{
    /// <summary>The name of the range <paramref name="address"/> falls in, or <see langword="null"/> for a public address.</summary>
    public static string? Classify(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> v4 = stackalloc byte[4];
            address.TryWriteBytes(v4, out _);
            return ClassifyV4(v4);
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return "non-IP";
        }

        Span<byte> b = stackalloc byte[16];
        address.TryWriteBytes(b, out _);

        if (IsZero(b[..15]))
        {
            if (b[15] == 0)
            {
                return "unspecified (::)";
            }

            if (b[15] == 1)
            {
                return "loopback (::1)";
            }
        }

        // IPv4-mapped ::ffff:a.b.c.d: the socket connects to the embedded IPv4 address.
        if (IsZero(b[..10]) && b[10] == 0xff && b[11] == 0xff)
        {
            return Embedded(ClassifyV4(b[12..]), "IPv4-mapped");
        }

        // IPv4-compatible ::a.b.c.d (deprecated, still routed to the embedded address by some stacks).
        if (IsZero(b[..12]))
        {
            return Embedded(ClassifyV4(b[12..]), "IPv4-compatible") ?? "IPv4-compatible (deprecated)";
        }

        // NAT64 well-known prefix 64:ff9b::/96 translates to the embedded IPv4 address.
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && IsZero(b[4..12]))
        {
            return Embedded(ClassifyV4(b[12..]), "NAT64");
        }

        // 6to4 2002:AABB:CCDD::/48 tunnels to the embedded IPv4 address.
        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return Embedded(ClassifyV4(b[2..6]), "6to4");
        }

        if ((b[0] & 0xfe) == 0xfc)
        {
            return "unique local (fc00::/7)";
        }

        if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
        {
            return "link-local (fe80::/10)";
        }

        if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)
        {
            return "site-local (fec0::/10)";
        }

        if (b[0] == 0xff)
        {
            return "multicast (ff00::/8)";
        }

        return null;
    }

    /// <summary>Whether <paramref name="address"/> is a loopback address (127.0.0.0/8, ::1, or their IPv4-mapped form).</summary>
    public static bool IsLoopback(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var v4 = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return IPAddress.IsLoopback(v4);
    }

    private static string? ClassifyV4(ReadOnlySpan<byte> a) => a[0] switch
    {
        0 => "\"this network\" (0.0.0.0/8)",
        10 => "private (10.0.0.0/8)",
        100 when (a[1] & 0xc0) == 64 => "carrier-grade NAT (100.64.0.0/10)",
        127 => "loopback (127.0.0.0/8)",
        169 when a[1] == 254 => "link-local (169.254.0.0/16)",
        172 when (a[1] & 0xf0) == 16 => "private (172.16.0.0/12)",
        192 when a[1] == 168 => "private (192.168.0.0/16)",
        >= 224 and <= 239 => "multicast (224.0.0.0/4)",
        >= 240 => "reserved (240.0.0.0/4)",
        _ => null,
    };

    private static string? Embedded(string? v4Range, string form)
        => v4Range is null ? null : $"{form} {v4Range}";

    private static bool IsZero(ReadOnlySpan<byte> bytes) => bytes.IndexOfAnyExcept((byte)0) < 0;
}
