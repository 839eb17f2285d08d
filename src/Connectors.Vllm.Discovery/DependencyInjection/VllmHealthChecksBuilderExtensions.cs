using Connectors.Vllm;
using Connectors.Vllm.Health;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a vLLM server's health (see <see cref="VllmHealthProbe"/>) with ASP.NET Core / generic-host health checks.</summary>
public static class VllmHealthChecksBuilderExtensions
{
    /// <summary>Adds a health check that probes the vLLM server described by <paramref name="options"/>.</summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="options">The provider options; validated and read now.</param>
    /// <param name="name">The health check's name. Default <c>"vllm"</c>.</param>
    /// <param name="failureStatus">The status reported when the server is not healthy; <see langword="null"/> for
    /// <see cref="HealthStatus.Unhealthy"/>. A server that is reachable but still loading reports <see cref="HealthStatus.Degraded"/>.</param>
    /// <param name="tags">Tags for filtering health checks, or <see langword="null"/>.</param>
    /// <param name="timeout">The time allowed for one probe, or <see langword="null"/> for none beyond the options' timeouts.</param>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/>, <paramref name="options"/> or <paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="VllmException">The options are invalid (see <see cref="VllmProviderOptions.Validate"/>).</exception>
    public static IHealthChecksBuilder AddVllm(
        this IHealthChecksBuilder builder,
        VllmProviderOptions options,
        string name = "vllm",
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null,
        TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(name);
        options.Validate();

        // One probe (and one pooled HttpClient) for the application's lifetime, not one per check run; it logs to the
        // container's ILoggerFactory when the options name none.
        VllmHealthCheck? check = null;
        return builder.Add(new HealthCheckRegistration(
            name,
            sp => LazyInitializer.EnsureInitialized(ref check, () => new VllmHealthCheck(new VllmHealthProbe(VllmLoggerFallback.WithLoggerFactory(options, sp.GetService<ILoggerFactory>()))))!,
            failureStatus,
            tags,
            timeout));
    }
}
