using System;
using System.Net;

namespace Connectors.Vllm.Http;

/// <summary>
/// What the private-network gate lets through for one <see cref="VllmProviderOptions"/>: every address
/// when <see cref="VllmProviderOptions.AllowPrivateNetwork"/> is set; loopback too when the base URL is the
/// documented default (a newcomer's <c>vllm serve</c> on this machine); otherwise public addresses only.
/// </summary>
internal sealed class VllmNetworkPolicy
{
    private VllmNetworkPolicy(bool allowPrivateNetwork, bool defaultLoopbackApproved, Microsoft.Extensions.Logging.ILogger logger)
    {
        AllowPrivateNetwork = allowPrivateNetwork;
        DefaultLoopbackApproved = defaultLoopbackApproved;
        Logger = logger;
    }

    /// <summary>Where refusals are logged.</summary>
    public Microsoft.Extensions.Logging.ILogger Logger { get; }

    public bool AllowPrivateNetwork { get; }

    /// <summary>The base URL is <see cref="VllmProviderOptions.DefaultBaseUrl"/>, which counts as approved for loopback.</summary>
    public bool DefaultLoopbackApproved { get; }

    public static VllmNetworkPolicy From(VllmProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new VllmNetworkPolicy(options.AllowPrivateNetwork, IsDefaultBaseUrl(options.BaseUrl), Diagnostics.VllmLog.For(options));
    }

    /// <summary>Whether <paramref name="baseUrl"/> is the documented default (http, 127.0.0.1, port 8000, path /v1).</summary>
    public static bool IsDefaultBaseUrl(Uri? baseUrl)
        => baseUrl is { IsAbsoluteUri: true }
            && string.Equals(baseUrl.Scheme, VllmProviderOptions.DefaultBaseUrl.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(baseUrl.Host, VllmProviderOptions.DefaultBaseUrl.Host, StringComparison.OrdinalIgnoreCase)
            && baseUrl.Port == VllmProviderOptions.DefaultBaseUrl.Port
            && string.Equals(baseUrl.AbsolutePath.TrimEnd('/'), VllmProviderOptions.DefaultBaseUrl.AbsolutePath.TrimEnd('/'), StringComparison.Ordinal);

    /// <summary>Why <paramref name="address"/> is refused (its range), or <see langword="null"/> when it may be contacted.</summary>
    public string? Refusal(IPAddress address)
    {
        if (AllowPrivateNetwork)
        {
            return null;
        }

        var range = VllmNetworkGate.Classify(address);
        if (range is null || (DefaultLoopbackApproved && VllmNetworkGate.IsLoopback(address)))
        {
            return null;
        }

        return range;
    }

    /// <summary>Why contacting <paramref name="address"/> is allowed, for the health report.</summary>
    public string Approval(IPAddress address)
    {
        if (VllmNetworkGate.Classify(address) is null)
        {
            return "public address";
        }

        if (AllowPrivateNetwork)
        {
            return "AllowPrivateNetwork is true";
        }

        return DefaultLoopbackApproved && VllmNetworkGate.IsLoopback(address)
            ? "default loopback"
            : "not approved";
    }

    /// <summary>The exception for a refused address; its hint names <c>AllowPrivateNetwork</c>.</summary>
    public static VllmException RefusedException(string host, IPAddress address, string range)
        => new(
            null,
            $"The private-network gate refused to connect to {host} ({address}, a {range} address).",
            "If you trust this server, set AllowPrivateNetwork = true (Vllm:AllowPrivateNetwork in configuration).");
}
