using System.IO;
using System.Net;
using System.Net.Sockets;

namespace Connectors.Vllm;

/// <summary>
/// Builds the primary HTTP handler every Connectors.Vllm component uses: the private-network gate
/// (checked on the address actually connected to), the connect timeout, and no redirects.
/// </summary>
/// <remarks>
/// <para>When you pass your own <see cref="HttpClient"/> to a Connectors.Vllm component, the library cannot
/// change its handler. Build that client on <see cref="CreatePrimaryHandler"/> (as the innermost handler,
/// below any <see cref="DelegatingHandler"/> of yours) to keep the gate; a client built on any other handler
/// is not gated.</para>
/// <para>The gate resolves the host name itself and checks every address: loopback, RFC 1918, link-local
/// (including 169.254.169.254), carrier-grade NAT (100.64.0.0/10), 0.0.0.0/8, multicast and reserved IPv4
/// ranges, and IPv6 loopback, unspecified, unique-local (fc00::/7), link-local (fe80::/10), site-local and
/// multicast addresses, including IPv4 addresses embedded in IPv6 forms (IPv4-mapped, IPv4-compatible,
/// NAT64, 6to4), are refused unless <see cref="VllmProviderOptions.AllowPrivateNetwork"/> is true. It then
/// connects to an allowed address, so a public name that resolves to a private address is refused too.
/// The documented default base URL (<see cref="VllmProviderOptions.DefaultBaseUrl"/>, also written with
/// <c>localhost</c> or <c>[::1]</c> as host) counts as approved for loopback addresses.</para>
/// <para>While the gate is active (<see cref="VllmProviderOptions.AllowPrivateNetwork"/> false) the handler
/// does not use a proxy: through a proxy the gate would see the proxy's address, not the server's.</para>
/// <para>A refused connection fails the request with an <see cref="HttpRequestException"/> whose
/// <see cref="Exception.InnerException"/> is a <see cref="VllmException"/> whose hint names
/// <c>AllowPrivateNetwork</c>; Connectors.Vllm components surface that <see cref="VllmException"/> itself.</para>
/// </remarks>
public static class VllmHttpHandler
{
    /// <summary>Creates a gated primary handler for <paramref name="options"/>.</summary>
    /// <param name="options">The provider options; <see cref="VllmProviderOptions.AllowPrivateNetwork"/>,
    /// <see cref="VllmProviderOptions.BaseUrl"/> and <see cref="VllmProviderOptions.ConnectTimeout"/> are read now.</param>
    /// <returns>A new handler; the caller owns it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public static SocketsHttpHandler CreatePrimaryHandler(VllmProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var policy = VllmNetworkPolicy.From(options);
        return new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout > TimeSpan.Zero ? options.ConnectTimeout : Timeout.InfiniteTimeSpan,
            AllowAutoRedirect = false,
            UseProxy = policy.AllowPrivateNetwork,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectCallback = (context, cancellationToken) => ConnectAsync(policy, context.DnsEndPoint, cancellationToken),
        };
    }

    internal static async ValueTask<Stream> ConnectAsync(VllmNetworkPolicy policy, DnsEndPoint endPoint, CancellationToken cancellationToken)
    {
        var host = endPoint.Host;
        var bare = host.Length > 1 && host[0] == '[' && host[^1] == ']' ? host[1..^1] : host;
        var addresses = IPAddress.TryParse(bare, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(bare, cancellationToken).ConfigureAwait(false);

        var allowed = new List<IPAddress>(addresses.Length);
        (IPAddress Address, string Range)? firstRefusal = null;
        foreach (var address in addresses)
        {
            var refusal = policy.Refusal(address);
            if (refusal is null)
            {
                allowed.Add(address);
            }
            else
            {
                firstRefusal ??= (address, refusal);
            }
        }

        if (allowed.Count == 0)
        {
            if (firstRefusal is { } refused)
            {
                policy.Logger.PrivateNetworkRefused(bare, refused.Address.ToString(), refused.Range);
                throw policy.RefusedException(bare, refused.Address, refused.Range);
            }

            throw new SocketException((int)SocketError.HostNotFound);
        }

        Exception? last = null;
        foreach (var address in allowed)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, endPoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }
}
