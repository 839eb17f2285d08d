namespace Connectors.Vllm;

/// <summary>
/// How failed requests are retried: exponential backoff with jitter, honouring <c>Retry-After</c>.
/// A streamed request is never retried once its first byte has arrived.
/// </summary>
/// <remarks>Set <see cref="MaxAttempts"/> to 1 to turn our retries off, for example when the caller adds
/// Microsoft.Extensions.Http.Resilience handlers (one retry layer only).</remarks>
public sealed class VllmRetryOptions
{
    /// <summary>Gets or sets the maximum number of attempts, the first included. Default 3; 1 turns retries off.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Gets or sets the first backoff delay. Default 500 ms.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Gets or sets the longest single delay, <c>Retry-After</c> included. Default 30 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the most time spent retrying one call, delays included. Default 60 s.</summary>
    public TimeSpan MaxTotalTime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>A copy for <see cref="VllmProviderOptions.Clone"/>.</summary>
    internal VllmRetryOptions Copy() => (VllmRetryOptions)MemberwiseClone();
}
