using Connectors.Vllm.ChatProtocol;

namespace Connectors.Vllm.Pipeline;

/// <summary>
/// What the components of vLLM's routes that the OpenAI SDK does not model (<c>/tokenize</c>, <c>/detokenize</c>,
/// <c>/rerank</c>, <c>/score</c>, <c>/v1/audio/transcriptions</c>, <c>/v1/audio/translations</c>, <c>/v1/completions</c>) share: the one send path (<see cref="VllmTransport"/>: key, headers, User-Agent, timeouts,
/// retries, bounded body, errors) and the server facts (<see cref="VllmModelDiscovery"/>) for hints.
/// </summary>
internal sealed class VllmNativeRouteClient : IDisposable
{
    private readonly VllmTransport _transport;
    private readonly VllmServerFacts _facts;

    public VllmNativeRouteClient(VllmProviderOptions options, string? defaultModelId, HttpClient? httpClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        DefaultModelId = CheckDefaultModelId(defaultModelId);
        _transport = new VllmTransport(VllmEndpoint.Resolve(options), httpClient);
        _facts = new VllmServerFacts(options, _transport);
    }

    /// <summary>The one rule for a client's <c>defaultModelId</c> argument (every client takes one): <see langword="null"/>, or
    /// a model id that is not blank, returned without a <c>vllm/</c> prefix.</summary>
    /// <exception cref="ArgumentException"><paramref name="defaultModelId"/> is empty or white space.</exception>
    public static string? CheckDefaultModelId(string? defaultModelId)
    {
        if (defaultModelId is null)
        {
            return null;
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(defaultModelId);
        return VllmModelRef.ToModelId(defaultModelId);
    }

    /// <summary>Disposes the client this instance created (never the caller's).</summary>
    public void Dispose()
    {
        _facts.Dispose();
        _transport.Dispose();
    }

    public VllmEndpoint Endpoint => _transport.Endpoint;

    /// <summary>The model used when a call names none (a <c>vllm/</c> prefix removed), or <see langword="null"/>.</summary>
    public string? DefaultModelId { get; }

    /// <summary>The model a call uses: <paramref name="modelId"/> without a <c>vllm/</c> prefix, else <see cref="DefaultModelId"/>.</summary>
    public string? ModelFor(string? modelId) => modelId is null ? DefaultModelId : VllmModelRef.ToModelId(modelId);

    /// <summary>The configured model entry for <paramref name="modelId"/>, or <see langword="null"/>; for
    /// <see langword="null"/> the only configured model. Never does I/O.</summary>
    public ValueTask<VllmModelDefinition?> FindModelAsync(string? modelId, CancellationToken cancellationToken)
        => _facts.FindConfiguredModelAsync(modelId, cancellationToken);

    /// <summary>POSTs <paramref name="body"/> as JSON and returns the success body; throws <see cref="VllmException"/> otherwise.</summary>
    /// <param name="url">The route.</param>
    /// <param name="body">The JSON body.</param>
    /// <param name="model">The model the body names, for hints.</param>
    /// <param name="missingRouteHint">The hint when the server has no such route (bare 404): the routes tried and what serves them.</param>
    /// <param name="call">The call's headers (request id, per-request headers), or <see langword="null"/> for a new request id only.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="VllmException">The server answered an error status, could not be reached, or did not answer in time.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public async Task<ReadOnlyMemory<byte>> PostJsonAsync(Uri url, ReadOnlyMemory<byte> body, string? model, string missingRouteHint, VllmRequestHeaders? call, CancellationToken cancellationToken)
    {
        var context = await ContextAsync(model, cancellationToken).ConfigureAwait(false);
        return await _transport.PostJsonAsync(url, body, context with { MissingRouteHint = missingRouteHint }, call, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>POSTs <paramref name="content"/> and returns the success response with its body unread (the caller disposes it):
    /// the whole answer to read with <see cref="ReadBodyAsync"/>, or a stream to read with <see cref="OpenStreamAsync"/>.</summary>
    /// <param name="url">The route.</param>
    /// <param name="content">The body (replayable: retries write it again).</param>
    /// <param name="contentType">The body's <c>Content-Type</c>.</param>
    /// <param name="stream">Whether the answer is a server-sent-events stream (then only the headers are timed by
    /// FirstByteTimeout, the body by StreamIdleTimeout).</param>
    /// <param name="model">The model the body names, for hints.</param>
    /// <param name="missingRouteHint">The hint when the server has no such route (bare 404).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="VllmException">The server answered an error status, could not be reached, or did not answer in time.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public async Task<PipelineResponse> PostAsync(Uri url, BinaryContent content, string contentType, bool stream, string? model, string missingRouteHint, CancellationToken cancellationToken)
    {
        using var headerTimeout = stream ? new VllmHeaderTimeout(Endpoint.Options.FirstByteTimeout, cancellationToken) : null;
        var response = await _transport.PostAsync(url, content, contentType, headerTimeout, cancellationToken).ConfigureAwait(false);
        if (!response.IsError)
        {
            return response;
        }

        using (response)
        {
            var body = await VllmBodyReader.ReadErrorAsync(response, Endpoint, cancellationToken).ConfigureAwait(false);

            var inner = new ClientResultException($"Service request failed. Status: {response.Status} ({response.ReasonPhrase})", response);
            var context = await ContextAsync(model, cancellationToken).ConfigureAwait(false);
            throw VllmErrors.FromResponse(response.Status, body.Span, context with { MissingRouteHint = missingRouteHint }, inner);
        }
    }

    /// <summary>Reads a whole success answer (up to MaxResponseBytes). A JSON object with a top-level <c>error</c> is a failure:
    /// servers before v0.16 answer a route the model lacks with HTTP 200 and an error object.</summary>
    /// <param name="response">The response from <see cref="PostAsync"/>.</param>
    /// <param name="model">The model the request named, for hints.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="VllmException">The body is too large, broke off, or is an error object.</exception>
    public async Task<ReadOnlyMemory<byte>> ReadBodyAsync(PipelineResponse response, string? model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var limit = Endpoint.Options.MaxResponseBytes;
        var body = await VllmBodyReader.ReadAsync(response, limit, Endpoint, cancellationToken).ConfigureAwait(false);
        if (body.TooLarge)
        {
            throw VllmErrors.BodyTooLarge("The server's answer", limit, "MaxResponseBytes", $"Raise {Endpoint.Setting("MaxResponseBytes")}.");
        }

        if (ErrorObjectCode(body.Memory.Span) is { } code)
        {
            var context = await ContextAsync(model, cancellationToken).ConfigureAwait(false);
            throw VllmErrors.FromResponse(code, body.Memory.Span, context);
        }

        return body.Memory;
    }

    /// <summary>Opens the server-sent events of a streamed answer (MaxSseLineBytes, StreamIdleTimeout). A JSON body instead of
    /// an event stream is read whole: servers before v0.16 answer a route the model lacks with HTTP 200 and an error object.</summary>
    /// <param name="response">The response from <see cref="PostAsync"/>.</param>
    /// <param name="model">The model the request named, for hints.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="VllmException">The answer is an error object.</exception>
    public async Task<VllmSseReader> OpenStreamAsync(PipelineResponse response, string? model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.Headers.TryGetValue("Content-Type", out var type) && type is not null && type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            var body = await VllmBodyReader.ReadAsync(response, VllmBodyReader.MaxErrorBodyBytes, Endpoint, cancellationToken, truncate: true).ConfigureAwait(false);
            if (ErrorObjectCode(body.Memory.Span) is { } code)
            {
                var context = await ContextAsync(model, cancellationToken).ConfigureAwait(false);
            throw VllmErrors.FromResponse(code, body.Memory.Span, context);
            }

            throw new VllmException(null, "The server answered a streamed request with a JSON body instead of server-sent events.", "Check that BaseUrl points at vLLM's OpenAI-compatible /v1 endpoint and not at a proxy that buffers streams.");
        }

        var options = Endpoint.Options;
        return new VllmSseReader(response.ContentStream!, options.MaxSseLineBytes, options.StreamIdleTimeout, cancellationToken, Endpoint);
    }

    /// <summary>The error context for hints (the configured entry's context window; no I/O).</summary>
    public async ValueTask<VllmErrorContext> ContextAsync(string? model, CancellationToken cancellationToken)
    {
        var entry = await FindModelAsync(model, cancellationToken).ConfigureAwait(false);
        return VllmErrorContext.For(Endpoint, model, contextWindow: entry?.ContextWindow);
    }

    /// <summary>The status of a 200 body that is an error object (<c>{"error":{…}}</c>, with the status in its <c>code</c>),
    /// or <see langword="null"/> when the body is not one.</summary>
    private static int? ErrorObjectCode(ReadOnlySpan<byte> body)
    {
        // Cheap test first: an answer's own text may contain the word, so only a top-level key counts.
        if (body.IndexOf("\"error\""u8) < 0)
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("error", out var error) || error.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return VllmErrors.ParseElement(document.RootElement).Code is { } c and >= 400 ? c : 400;
        }
        catch (JsonException)
        {
            return null; // Not JSON: the caller's parser names what arrived.
        }
    }
}
