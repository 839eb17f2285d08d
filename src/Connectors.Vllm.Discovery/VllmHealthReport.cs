using System.Text;

namespace Connectors.Vllm;

/// <summary>
/// The result of <see cref="VllmHealthProbe.ProbeAsync"/>: one "doctor" row (reachable · auth ok · models
/// discovered · private network approved) and, for each failure, a sentence that names the fix.
/// </summary>
public sealed class VllmHealthReport
{
    internal VllmHealthReport(Uri? baseUrl, IReadOnlyList<string> problems)
    {
        BaseUrl = baseUrl;
        Problems = problems;
    }

    /// <summary>Gets the base URL that was probed, or <see langword="null"/> when none is configured.</summary>
    public Uri? BaseUrl { get; }

    /// <summary>Gets whether the server answered HTTP at all.</summary>
    public bool Reachable { get; internal init; }

    /// <summary>Gets whether <c>GET {BaseUrl}/models</c> was accepted with the configured key (or without one, when the server needs none).
    /// <see langword="false"/> when it was refused with 401/403 or could not be asked.</summary>
    public bool AuthOk { get; internal init; }

    /// <summary>Gets the number of models the server lists at <c>GET {BaseUrl}/models</c>.</summary>
    public int ModelsDiscovered { get; internal init; }

    /// <summary>Gets the ids of the models the server lists.</summary>
    public IReadOnlyList<string> ModelIds { get; internal init; } = Array.Empty<string>();

    /// <summary>Gets whether the private-network gate lets the base URL's address through.</summary>
    public bool PrivateNetworkApproved { get; internal init; }

    /// <summary>Gets why <see cref="PrivateNetworkApproved"/> has its value: <c>"public address"</c>,
    /// <c>"default loopback: 127.0.0.1, localhost or [::1] on port 8000 with /v1"</c> (the documented default base URL),
    /// <c>"AllowPrivateNetwork is true"</c>, or the refused address and its range.</summary>
    public string PrivateNetworkReason { get; internal init; } = "not checked";

    /// <summary>Gets whether the server is up but not ready (<c>/health</c> or <c>/v1/models</c> answered 503, as while the model loads).</summary>
    public bool Loading { get; internal init; }

    /// <summary>Gets the version the server reported at <c>GET /version</c>, or <see langword="null"/> when unknown.</summary>
    public string? ServerVersion { get; internal init; }

    /// <summary>Gets every problem found, each a sentence ending with the setting or command that fixes it; empty when healthy.</summary>
    public IReadOnlyList<string> Problems { get; }

    /// <summary>Gets whether no problem was found.</summary>
    public bool IsHealthy => Problems.Count == 0;

    /// <summary>The row as one line, for example <c>reachable ✓ · auth ok ✓ · models 2 · private network approved (public address) · vLLM 0.27.1</c>.</summary>
    /// <returns>The row.</returns>
    public override string ToString()
    {
        var row = new StringBuilder();
        row.Append("reachable ").Append(Mark(Reachable))
            .Append(" · auth ok ").Append(Mark(AuthOk))
            .Append(" · models ").Append(ModelsDiscovered)
            .Append(" · private network ").Append(PrivateNetworkApproved ? "approved" : "not approved").Append(" (").Append(PrivateNetworkReason).Append(')');
        if (Loading)
        {
            row.Append(" · loading");
        }

        if (ServerVersion is not null)
        {
            row.Append(" · vLLM ").Append(ServerVersion);
        }

        return row.ToString();
    }

    private static string Mark(bool ok) => ok ? "✓" : "✗";
}
