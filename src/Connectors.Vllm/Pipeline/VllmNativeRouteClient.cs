using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Connectors.Vllm.Errors;
using Connectors.Vllm.Http;

namespace Connectors.Vllm.Pipeline;

/// <summary>
/// What the components of vLLM's routes that the OpenAI SDK does not model (<c>/tokenize</c>, <c>/detokenize</c>,
/// <c>/rerank</c>, <c>/score</c>) share: the one send path (<see cref="VllmTransport"/>: key, headers, User-Agent, timeouts,
/// retries, bounded body, errors) and the server facts (<see cref="VllmModelDiscovery"/>) for hints.
/// </summary>
internal sealed class VllmNativeRouteClient : IDisposable
{
    private readonly VllmTransport _transport;
    private readonly VllmServerFacts _facts;

    public VllmNativeRouteClient(VllmProviderOptions options, string? defaultModelId, HttpClient? httpClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        DefaultModelId = defaultModelId is null ? null : VllmModelRef.ToModelId(defaultModelId);
        _transport = new VllmTransport(VllmEndpoint.Resolve(options), httpClient);
        _facts = new VllmServerFacts(options, _transport);
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
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="VllmException">The server answered an error status, could not be reached, or did not answer in time.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public async Task<ReadOnlyMemory<byte>> PostJsonAsync(Uri url, ReadOnlyMemory<byte> body, string? model, string missingRouteHint, CancellationToken cancellationToken)
    {
        var entry = await FindModelAsync(model, cancellationToken).ConfigureAwait(false);
        var context = VllmErrorContext.For(Endpoint, model, contextWindow: entry?.ContextWindow) with { MissingRouteHint = missingRouteHint };
        return await _transport.PostJsonAsync(url, body, context, cancellationToken).ConfigureAwait(false);
    }
}
