namespace Connectors.Vllm.Http;

/// <summary>
/// The one send path of this library. Owns the <see cref="HttpClient"/> (gated by <see cref="VllmHttpHandler"/> at connect
/// time, unless the caller supplied one), the System.ClientModel pipeline pieces every request runs through
/// (<see cref="PipelineTransport"/>, <see cref="RetryPolicy"/>, <see cref="NetworkTimeout"/>), and sends the requests the OpenAI
/// SDK does not model (models, version, health, tokenize, detokenize, rerank, score) on a <see cref="ClientPipeline"/> built from
/// the same pieces. Chat and embeddings send through the OpenAI SDK clients, whose options <see cref="Configure"/> fills
/// from this instance, so both paths share one retry policy, one timeout design and one gate.
/// </summary>
/// <remarks>
/// <para>Timeouts: <see cref="VllmProviderOptions.FirstByteTimeout"/> is the pipeline's network timeout, set per attempt by
/// <see cref="VllmRetryPolicy"/>; it bounds the wait for the response headers and each read of a buffered (non-streamed) body.
/// Streams are timed by the SSE reader's <see cref="VllmProviderOptions.StreamIdleTimeout"/> only.</para>
/// <para>Thread-safe. Disposing it disposes the <see cref="HttpClient"/> it created (never a supplied one).</para>
/// </remarks>
internal sealed class VllmTransport : IDisposable
{
    private readonly HttpClient? _ownedHttpClient;
    private readonly ClientPipeline _pipeline;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="endpoint">The resolved endpoint (key, headers, options).</param>
    /// <param name="httpClient">The caller's client, or <see langword="null"/> for one from <see cref="VllmHttpClientFactory"/>.</param>
    public VllmTransport(VllmEndpoint endpoint, HttpClient? httpClient)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Endpoint = endpoint;
        HttpClient = VllmHttpClientFactory.Create(endpoint.Options, httpClient);
        _ownedHttpClient = ReferenceEquals(HttpClient, httpClient) ? null : HttpClient;
        PipelineTransport = new HttpClientPipelineTransport(HttpClient);
        RetryPolicy = new VllmRetryPolicy(endpoint.Options);
        NetworkTimeout = endpoint.Options.FirstByteTimeout > TimeSpan.Zero ? endpoint.Options.FirstByteTimeout : Timeout.InfiniteTimeSpan;
        var options = new ClientPipelineOptions();
        Configure(options);
        _pipeline = ClientPipeline.Create(options, perCallPolicies: default, perTryPolicies: default, beforeTransportPolicies: [new HeaderPolicy(endpoint)]);
    }

    /// <summary>Gets the endpoint requests go to.</summary>
    public VllmEndpoint Endpoint { get; }

    /// <summary>Gets the client every request is sent with.</summary>
    public HttpClient HttpClient { get; }

    /// <summary>Gets the pipeline transport over <see cref="HttpClient"/>.</summary>
    public PipelineTransport PipelineTransport { get; }

    /// <summary>Gets the retry policy (refused connection, 429, 503).</summary>
    public VllmRetryPolicy RetryPolicy { get; }

    /// <summary>Gets the per-attempt network timeout (FirstByteTimeout, or infinite).</summary>
    public TimeSpan NetworkTimeout { get; }

    /// <summary>Puts this transport's pieces into pipeline options (ours, or an OpenAI SDK client's).</summary>
    public void Configure(ClientPipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Transport = PipelineTransport;
        options.RetryPolicy = RetryPolicy;
        options.NetworkTimeout = NetworkTimeout;
        if (Endpoint.Options.LoggerFactory is { } loggerFactory)
        {
            // System.ClientModel's own request/response log: method, URL, status, timing; header values redacted outside
            // its allow-list; bodies off (they hold prompts and answers).
            options.ClientLoggingOptions = new ClientLoggingOptions { LoggerFactory = loggerFactory, EnableMessageContentLogging = false };
        }
    }

    /// <summary>Sends a GET that accepts JSON.</summary>
    /// <inheritdoc cref="SendAsync(string, Uri, ReadOnlyMemory{byte}?, long, bool, VllmRequestHeaders, CancellationToken)" />
    public Task<VllmHttpResult> GetAsync(Uri url, long maxBodyBytes, bool retry, CancellationToken cancellationToken)
        => SendAsync("GET", url, null, maxBodyBytes, retry, cancellationToken);

    /// <summary>Sends a request with a new request id and no per-call headers.</summary>
    /// <inheritdoc cref="SendAsync(string, Uri, ReadOnlyMemory{byte}?, long, bool, VllmRequestHeaders, CancellationToken)" />
    public Task<VllmHttpResult> SendAsync(string method, Uri url, ReadOnlyMemory<byte>? json, long maxBodyBytes, bool retry, CancellationToken cancellationToken)
        => SendAsync(method, url, json, maxBodyBytes, retry, VllmRequestHeaders.Create(), cancellationToken);

    /// <summary>Sends a request and reads its whole body (up to <paramref name="maxBodyBytes"/> for a success,
    /// <see cref="VllmBodyReader.MaxErrorBodyBytes"/> for an error). Error statuses are returned, not thrown.</summary>
    /// <param name="method">GET or POST.</param>
    /// <param name="url">The absolute URL.</param>
    /// <param name="json">The JSON body, or <see langword="null"/>.</param>
    /// <param name="maxBodyBytes">The cap of a success body.</param>
    /// <param name="retry">Whether <see cref="RetryPolicy"/> may retry (the health probe sends once).</param>
    /// <param name="call">The call's headers: its request id, session id and per-request headers.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Status, body, redirect target, request id and dropped reason.</returns>
    /// <exception cref="VllmException">No response: timed out, refused (by the server or the private-network gate), DNS failure,
    /// or the body broke off.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public async Task<VllmHttpResult> SendAsync(string method, Uri url, ReadOnlyMemory<byte>? json, long maxBodyBytes, bool retry, VllmRequestHeaders call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(call);
        using var message = _pipeline.CreateMessage();
        message.Apply(new RequestOptions { CancellationToken = cancellationToken, BufferResponse = false, ErrorOptions = ClientErrorBehaviors.NoThrow });
        message.BufferResponse = false;
        var request = message.Request;
        request.Method = method;
        request.Uri = url;
        request.Headers.Set("Accept", "application/json");
        call.AddTo(request.Headers, Endpoint);
        if (json is { } body)
        {
            request.Headers.Set("Content-Type", "application/json");
            request.Content = BinaryContent.Create(new BinaryData(body));
        }

        if (!retry)
        {
            VllmRetryPolicy.DisableFor(message);
        }

        try
        {
            await _pipeline.SendAsync(message).ConfigureAwait(false);
            using var response = message.ExtractResponse()!;
            var status = response.Status;
            var limit = status is >= 200 and < 300 ? maxBodyBytes : VllmBodyReader.MaxErrorBodyBytes;
            var read = await VllmBodyReader.ReadAsync(response, limit, Endpoint, cancellationToken).ConfigureAwait(false);
            Uri? location = response.Headers.TryGetValue("Location", out var target) && Uri.TryCreate(target, UriKind.RelativeOrAbsolute, out var parsed) ? parsed : null;
            return new VllmHttpResult(status, read.Memory, read.TooLarge, location, VllmRequestHeaders.ReportedId(response, call.RequestId), VllmRequestHeaders.DroppedReason(response));
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not VllmException && VllmErrors.FromSendFailure(ex, Endpoint, method, url, call.RequestId) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>POSTs <paramref name="content"/> (JSON, multipart, anything) and returns the response with its body unread:
    /// for the routes whose answer is streamed or read by the caller (transcriptions, completions). Error statuses are
    /// returned, not thrown; the caller disposes the response.</summary>
    /// <param name="url">The absolute URL.</param>
    /// <param name="content">The body; written again for each retry, so it must be replayable.</param>
    /// <param name="contentType">The body's <c>Content-Type</c> (with its parameters, such as a multipart boundary).</param>
    /// <param name="headerTimeout">For a streamed answer: the FirstByteTimeout clock around each attempt (the body is then
    /// timed by the SSE reader alone); <see langword="null"/> for a whole answer (FirstByteTimeout per read).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The response, body unread.</returns>
    /// <exception cref="VllmException">No response: timed out, refused (by the server or the private-network gate), DNS failure.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public async Task<PipelineResponse> PostAsync(Uri url, BinaryContent content, string contentType, VllmHeaderTimeout? headerTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(content);
        var options = new RequestOptions { CancellationToken = cancellationToken, BufferResponse = false, ErrorOptions = ClientErrorBehaviors.NoThrow };
        headerTimeout?.AddTo(options);
        using var message = _pipeline.CreateMessage();
        message.Apply(options);
        message.BufferResponse = false;
        var request = message.Request;
        request.Method = "POST";
        request.Uri = url;
        request.Headers.Set("Accept", headerTimeout is null ? "application/json" : "text/event-stream");
        request.Headers.Set("Content-Type", contentType);
        request.Content = content;
        try
        {
            await _pipeline.SendAsync(message).ConfigureAwait(false);
            return message.ExtractResponse()!;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not VllmException && VllmErrors.FromSendFailure(ex, Endpoint, "POST", url) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>POSTs JSON and returns the success body; an error status becomes the error factory's
    /// <see cref="VllmException"/> with <paramref name="context"/>'s hints.</summary>
    /// <exception cref="VllmException">The server answered an error status or a body over MaxResponseBytes, could not be
    /// reached, or did not answer in time.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public async Task<ReadOnlyMemory<byte>> PostJsonAsync(Uri url, ReadOnlyMemory<byte> json, VllmErrorContext context, VllmRequestHeaders? call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var limit = Endpoint.Options.MaxResponseBytes;
        var result = await SendAsync("POST", url, json, limit, retry: true, call ?? VllmRequestHeaders.Create(), cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            throw VllmErrors.FromResult(result, context);
        }

        if (result.TooLarge)
        {
            throw VllmErrors.BodyTooLarge("The response", limit, "MaxResponseBytes", $"Raise {Endpoint.Setting("MaxResponseBytes")}, or send fewer inputs per call.");
        }

        return result.Body;
    }

    /// <summary>Disposes the client this instance created (never the caller's).</summary>
    public void Dispose() => _ownedHttpClient?.Dispose();

    /// <summary>Applies the endpoint's headers (User-Agent, key, configured headers, sticky session value, request id) to each
    /// attempt, and captures the sticky session value of its response.</summary>
    private sealed class HeaderPolicy(VllmEndpoint endpoint) : PipelinePolicy
    {
        public override void Process(PipelineMessage message, System.Collections.Generic.IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            endpoint.ApplyHeaders(message.Request.Headers);
            ProcessNext(message, pipeline, currentIndex);
            endpoint.Observe(message);
        }

        public override async ValueTask ProcessAsync(PipelineMessage message, System.Collections.Generic.IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            endpoint.ApplyHeaders(message.Request.Headers);
            await ProcessNextAsync(message, pipeline, currentIndex).ConfigureAwait(false);
            endpoint.Observe(message);
        }
    }
}
