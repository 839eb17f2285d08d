using System.Net;

namespace Connectors.Vllm.Http;

/// <summary>
/// What the private-network gate lets through for one <see cref="VllmProviderOptions"/>: every address
/// when <see cref="VllmProviderOptions.AllowPrivateNetwork"/> is set; loopback too when the base URL is the
/// documented default (a newcomer's <c>vllm serve</c> on this machine: <c>http://127.0.0.1:8000/v1</c>,
/// <c>http://localhost:8000/v1</c> or <c>http://[::1]:8000/v1</c>); otherwise public addresses only.
/// </summary>
internal sealed class VllmNetworkPolicy
{
    private VllmNetworkPolicy(bool allowPrivateNetwork, bool defaultLoopbackApproved, Microsoft.Extensions.Logging.ILogger logger, string settingKey)
    {
        SettingKey = settingKey;
        AllowPrivateNetwork = allowPrivateNetwork;
        DefaultLoopbackApproved = defaultLoopbackApproved;
        Logger = logger;
    }

    /// <summary>Where refusals are logged.</summary>
    public Microsoft.Extensions.Logging.ILogger Logger { get; }

    public bool AllowPrivateNetwork { get; }

    /// <summary>The configuration key that approves private addresses (<c>Vllm:AllowPrivateNetwork</c>), for hints.</summary>
    public string SettingKey { get; }

    /// <summary>The base URL is <see cref="VllmProviderOptions.DefaultBaseUrl"/>, which counts as approved for loopback.</summary>
    public bool DefaultLoopbackApproved { get; }

    public static VllmNetworkPolicy From(VllmProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new VllmNetworkPolicy(options.AllowPrivateNetwork, IsDefaultBaseUrl(options.BaseUrl), Diagnostics.VllmLog.For(options),
            Configuration.VllmSettingKey.For(options, nameof(VllmProviderOptions.AllowPrivateNetwork)));
    }

    /// <summary>Whether <paramref name="baseUrl"/> is the documented default: http, port 8000, path /v1, on this machine
    /// written as <c>127.0.0.1</c>, <c>localhost</c> (vLLM's own docs) or <c>[::1]</c>. Only loopback addresses are
    /// approved for it (<see cref="Refusal"/>), so a <c>localhost</c> that resolves elsewhere is still refused.</summary>
    public static bool IsDefaultBaseUrl(Uri? baseUrl)
        => baseUrl is { IsAbsoluteUri: true }
            && string.Equals(baseUrl.Scheme, VllmProviderOptions.DefaultBaseUrl.Scheme, StringComparison.OrdinalIgnoreCase)
            && IsDefaultHost(baseUrl.Host)
            && baseUrl.Port == VllmProviderOptions.DefaultBaseUrl.Port
            && string.Equals(baseUrl.AbsolutePath.TrimEnd('/'), VllmProviderOptions.DefaultBaseUrl.AbsolutePath.TrimEnd('/'), StringComparison.Ordinal);

    private static bool IsDefaultHost(string host)
        => string.Equals(host, VllmProviderOptions.DefaultBaseUrl.Host, StringComparison.Ordinal)
            || string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || string.Equals(host, "[::1]", StringComparison.Ordinal);

    /// <summary>The health row's reason for an address approved as the documented default.</summary>
    public const string DefaultLoopbackReason = "default loopback: 127.0.0.1, localhost or [::1] on port 8000 with /v1";

    /// <summary>Why <paramref name="address"/> is refused (its range), or <see langword="null"/> when it may be contacted.</summary>
    public string? Refusal(IPAddress address)
    {
        if (AllowPrivateNetwork)
        {
            return null;
        }

        var range = VllmAddressRanges.Classify(address);
        if (range is null || (DefaultLoopbackApproved && VllmAddressRanges.IsLoopback(address)))
        {
            return null;
        }

        return range;
    }

    /// <summary>Why contacting <paramref name="address"/> is allowed, for the health report.</summary>
    public string Approval(IPAddress address)
    {
        if (VllmAddressRanges.Classify(address) is null)
        {
            return "public address";
        }

        if (AllowPrivateNetwork)
        {
            return "AllowPrivateNetwork is true";
        }

        return DefaultLoopbackApproved && VllmAddressRanges.IsLoopback(address)
            ? DefaultLoopbackReason
            : "not approved";
    }

    /// <summary>The exception for a refused address; its hint names <c>AllowPrivateNetwork</c>.</summary>
    public VllmException RefusedException(string host, IPAddress address, string range)
        => new(
            $"The private-network gate refused to connect to {host} ({address}, a {range} address); nothing was sent.",
            RefusalHint,
            innerException: null);

    /// <summary>The fix for a refusal, as the gate's exception and the health probe word it.</summary>
    public string RefusalHint => $"If you trust this server, set AllowPrivateNetwork = true ({SettingKey} in configuration).";
}
