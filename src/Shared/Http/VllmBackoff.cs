namespace Connectors.Vllm.Http;

/// <summary>
/// The one retry schedule every component uses: exponential backoff with ±20 % jitter from
/// <see cref="VllmRetryOptions.BaseDelay"/>, never shorter than the server's <c>Retry-After</c>, never longer than
/// <see cref="VllmRetryOptions.MaxDelay"/>, within <see cref="VllmRetryOptions.MaxAttempts"/> and
/// <see cref="VllmRetryOptions.MaxTotalTime"/>.
/// </summary>
internal static class VllmBackoff
{
    /// <summary>The delay before attempt <paramref name="attempt"/> + 1.</summary>
    public static TimeSpan Delay(VllmRetryOptions retry, int attempt, TimeSpan? retryAfter = null)
    {
        var maxDelay = retry.MaxDelay < TimeSpan.Zero ? TimeSpan.Zero : retry.MaxDelay;
        var baseDelay = retry.BaseDelay < TimeSpan.Zero ? TimeSpan.Zero : retry.BaseDelay;

        // base · 2^(attempt-1), ±20 % jitter so that many clients do not retry in step.
        var factor = Math.Pow(2, Math.Max(0, attempt - 1)) * (0.8 + (Random.Shared.NextDouble() * 0.4));
        var delay = TimeSpan.FromTicks((long)Math.Min(baseDelay.Ticks * factor, maxDelay.Ticks));
        if (retryAfter is { } after && after > delay)
        {
            delay = after;
        }

        return delay > maxDelay ? maxDelay : delay;
    }

    /// <summary>Whether another attempt fits the attempt cap and the total-time cap.</summary>
    public static bool CanRetry(VllmRetryOptions retry, int attempt, TimeSpan elapsed, TimeSpan delay)
        => attempt < Math.Max(1, retry.MaxAttempts) && elapsed + delay <= retry.MaxTotalTime;

    /// <summary>Parses <c>Retry-After</c>: delta seconds, or an HTTP date.</summary>
    public static bool TryParseRetryAfter(string? value, out TimeSpan delay)
    {
        delay = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(value))
        {
            return false;
        }

        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            delay = TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.FromDays(1).TotalSeconds));
            return true;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
        {
            var wait = when - DateTimeOffset.UtcNow;
            delay = wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            return true;
        }

        return false;
    }
}
