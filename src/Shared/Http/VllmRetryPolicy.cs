using System.Diagnostics;

namespace Connectors.Vllm.Http;

/// <summary>
/// Replaces the SDK's <see cref="ClientRetryPolicy"/>: retries a refused connection, 408 (a router's or Ray Serve's
/// queue timeout), 429 (rate limit, llm-d's saturation or eviction, vllm-router's empty 429) and 503 (no live engine,
/// loading, scaling) only, never another 4xx (400, 401, 404 are the caller's to fix), with
/// exponential backoff and jitter, honouring <c>Retry-After</c> (capped by <see cref="VllmRetryOptions.MaxDelay"/>),
/// within <see cref="VllmRetryOptions.MaxAttempts"/> and <see cref="VllmRetryOptions.MaxTotalTime"/>. It decides
/// on the status line only, before the caller reads a byte of the body, so a stream is never retried once its
/// first byte has been consumed. Each attempt gets <see cref="VllmProviderOptions.FirstByteTimeout"/> as its
/// network timeout, or, for a streamed request, its <see cref="VllmHeaderTimeout"/>.
/// </summary>
/// <remarks>Immutable after construction; safe to share.</remarks>
internal sealed class VllmRetryPolicy : PipelinePolicy
{
    private readonly VllmRetryOptions _retry;
    private readonly TimeSpan _firstByteTimeout;
    private readonly ILogger _logger;

    public VllmRetryPolicy(VllmProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _retry = options.Retry ?? new VllmRetryOptions();
        _logger = VllmLog.For(options);
        _firstByteTimeout = options.FirstByteTimeout > TimeSpan.Zero ? options.FirstByteTimeout : Timeout.InfiniteTimeSpan;
    }

    /// <summary>Marks a message that must be sent once (the health probe reports what it sees).</summary>
    public static void DisableFor(PipelineMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.SetProperty(typeof(NoRetry), NoRetry.Instance);
    }

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        // async: false never awaits anything that is not complete, so the task has already finished here.
        var run = ProcessAsync(message, pipeline, currentIndex, async: false);
        run.GetAwaiter().GetResult();
    }

    public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        => ProcessAsync(message, pipeline, currentIndex, async: true);

    /// <summary>The attempts, for the synchronous and the asynchronous pipeline alike (System.ClientModel's own idiom).</summary>
    private async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex, bool async)
    {
        ArgumentNullException.ThrowIfNull(message);
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            TimeSpan delay;
            string reason;
            try
            {
                var headerTimeout = StartAttempt(message);
                try
                {
                    if (async)
                    {
                        await ProcessNextAsync(message, pipeline, currentIndex).ConfigureAwait(false);
                    }
                    else
                    {
                        ProcessNext(message, pipeline, currentIndex);
                    }
                }
                finally
                {
                    headerTimeout?.Disarm();
                }

                if (IsDisabled(message) || !ShouldRetry(message, attempt, started, out delay, out reason))
                {
                    return;
                }
            }
            catch (ClientResultException ex) when (!IsDisabled(message) && VllmErrors.IsConnectionRefused(ex) && CanRetry(attempt, started, delay = VllmBackoff.Delay(_retry, attempt)))
            {
                reason = "connection refused";
            }

            LogRetry(message, reason, delay, attempt);
            if (async)
            {
                await Task.Delay(delay, message.CancellationToken).ConfigureAwait(false);
            }
            else
            {
                message.CancellationToken.WaitHandle.WaitOne(delay);
                message.CancellationToken.ThrowIfCancellationRequested();
            }
        }
    }

    /// <summary>One attempt's timeouts. Normally the pipeline's network timeout is FirstByteTimeout: until the response
    /// headers, then for each read of the body. A streamed request carries a <see cref="VllmHeaderTimeout"/> instead: its
    /// clock runs until the headers, and the body gets no pipeline timeout (the SSE reader times its silences).</summary>
    private VllmHeaderTimeout? StartAttempt(PipelineMessage message)
    {
        var headerTimeout = VllmHeaderTimeout.Of(message);
        message.NetworkTimeout = headerTimeout is null ? _firstByteTimeout : Timeout.InfiniteTimeSpan;
        headerTimeout?.Arm();
        return headerTimeout;
    }

    /// <summary>408, 429 and 503 are retried while attempts and time remain; the response is released before waiting.</summary>
    private bool ShouldRetry(PipelineMessage message, int attempt, long started, out TimeSpan delay, out string reason)
    {
        delay = TimeSpan.Zero;
        reason = string.Empty;
        if (message.Response is not { Status: 408 or 429 or 503 } response)
        {
            return false;
        }

        reason = response.Status switch
        {
            408 => "408",
            429 => "429",
            _ => "503",
        };
        delay = NextDelay(attempt, response);
        if (!CanRetry(attempt, started, delay))
        {
            return false;
        }

        response.Dispose();
        return true;
    }

    private void LogRetry(PipelineMessage message, string reason, TimeSpan delay, int attempt)
    {
        if (message.Request.Uri is { } uri)
        {
            _logger.RetryScheduled(message.Request.Method, uri, reason, (long)delay.TotalMilliseconds, attempt + 1, _retry.MaxAttempts);
        }
    }

    private bool CanRetry(int attempt, long started, TimeSpan delay)
        => VllmBackoff.CanRetry(_retry, attempt, Stopwatch.GetElapsedTime(started), delay);

    private TimeSpan NextDelay(int attempt, PipelineResponse response)
        => VllmBackoff.Delay(_retry, attempt, response.Headers.TryGetValue("Retry-After", out var value) && VllmBackoff.TryParseRetryAfter(value, out var retryAfter) ? retryAfter : null);

    private static bool IsDisabled(PipelineMessage message) => message.TryGetProperty(typeof(NoRetry), out _);

    private sealed class NoRetry
    {
        public static readonly NoRetry Instance = new();
    }
}
