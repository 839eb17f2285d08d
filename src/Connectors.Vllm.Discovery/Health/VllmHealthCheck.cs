using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Connectors.Vllm.Health;

/// <summary>
/// An <see cref="IHealthCheck"/> over <see cref="VllmHealthProbe"/>: healthy when the probe finds no problem,
/// degraded when the server is reachable and accepts the key but is still loading, otherwise the registration's
/// failure status with the problems as the description. Register it with
/// <c>services.AddHealthChecks().AddVllm(options)</c>.
/// </summary>
internal sealed class VllmHealthCheck : IHealthCheck
{
    private readonly VllmHealthProbe _probe;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="probe">The probe to run.</param>
    /// <exception cref="ArgumentNullException"><paramref name="probe"/> is <see langword="null"/>.</exception>
    public VllmHealthCheck(VllmHealthProbe probe)
    {
        ArgumentNullException.ThrowIfNull(probe);
        _probe = probe;
    }

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var report = await _probe.ProbeAsync(cancellationToken).ConfigureAwait(false);
        var data = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["baseUrl"] = report.BaseUrl?.ToString() ?? string.Empty,
            ["reachable"] = report.Reachable,
            ["authOk"] = report.AuthOk,
            ["modelsDiscovered"] = report.ModelsDiscovered,
            ["privateNetworkApproved"] = report.PrivateNetworkApproved,
            ["privateNetworkReason"] = report.PrivateNetworkReason,
            ["loading"] = report.Loading,
            ["serverVersion"] = report.ServerVersion ?? string.Empty,
            ["problems"] = report.Problems,
        };

        if (report.IsHealthy)
        {
            return HealthCheckResult.Healthy(report.ToString(), data);
        }

        var description = string.Join(" ", report.Problems);
        if (report.Loading && report.Reachable && report.AuthOk)
        {
            return HealthCheckResult.Degraded(description, data: data);
        }

        return new HealthCheckResult(context.Registration?.FailureStatus ?? HealthStatus.Unhealthy, description, data: data);
    }
}
