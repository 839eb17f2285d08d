namespace Connectors.Vllm.Http;

/// <summary>
/// The timeout of a streamed request: <see cref="VllmProviderOptions.FirstByteTimeout"/> bounds each attempt until the
/// response headers arrive, and nothing of the pipeline times the body, whose silences only the SSE reader times
/// (<see cref="VllmProviderOptions.StreamIdleTimeout"/>). Added to the request's <see cref="RequestOptions"/>;
/// <see cref="VllmRetryPolicy"/> finds it on the message, sets the pipeline's per-read network timeout to infinite and
/// arms this timer around each attempt (not around the waits between attempts).
/// </summary>
/// <remarks>Dispose it once the response headers are in (the body is not tied to its token).</remarks>
internal sealed class VllmHeaderTimeout : PipelinePolicy, IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly TimeSpan _timeout;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="firstByteTimeout">The wait for the response headers; zero or less for none.</param>
    /// <param name="cancellationToken">The caller's token (linked).</param>
    public VllmHeaderTimeout(TimeSpan firstByteTimeout, CancellationToken cancellationToken)
    {
        _source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _timeout = firstByteTimeout > TimeSpan.Zero ? firstByteTimeout : Timeout.InfiniteTimeSpan;
    }

    /// <summary>Makes <paramref name="options"/> send with this timeout (its token and this policy).</summary>
    public void AddTo(RequestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.CancellationToken = _source.Token;
        options.AddPolicy(this, PipelinePosition.PerCall);
    }

    /// <summary>The header timeout of <paramref name="message"/>, or <see langword="null"/> for a request without one.</summary>
    public static VllmHeaderTimeout? Of(PipelineMessage message)
        => message.TryGetProperty(typeof(VllmHeaderTimeout), out var value) ? value as VllmHeaderTimeout : null;

    /// <summary>Starts the clock of one attempt.</summary>
    public void Arm() => _source.CancelAfter(_timeout);

    /// <summary>Stops the clock (the headers are in, or the attempt failed).</summary>
    public void Disarm() => _source.CancelAfter(Timeout.InfiniteTimeSpan);

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.SetProperty(typeof(VllmHeaderTimeout), this);
        ProcessNext(message, pipeline, currentIndex);
    }

    public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.SetProperty(typeof(VllmHeaderTimeout), this);
        return ProcessNextAsync(message, pipeline, currentIndex);
    }

    /// <summary>Releases the timer.</summary>
    public void Dispose() => _source.Dispose();
}
