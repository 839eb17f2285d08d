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
    private readonly VllmModelDiscovery _discovery;

    public VllmNativeRouteClient(VllmProviderOptions options, string? defaultModelId, HttpClient? httpClient)
    {
        ArgumentNullException.ThrowIfNull(options);
        DefaultModelId = defaultModelId is null ? null : VllmModelRef.ToModelId(defaultModelId);
        _transport = new VllmTransport(VllmEndpoint.Resolve(options), httpClient);
        _discovery = new VllmModelDiscovery(options, _transport);
    }

    /// <summary>Disposes the client this instance created (never the caller's).</summary>
    public void Dispose()
    {
        _discovery.Dispose();
        _transport.Dispose();
    }

    public VllmEndpoint Endpoint => _transport.Endpoint;

    /// <summary>The model used when a call names none (a <c>vllm/</c> prefix removed), or <see langword="null"/>.</summary>
    public string? DefaultModelId { get; }

    /// <summary>The model a call uses: <paramref name="modelId"/> without a <c>vllm/</c> prefix, else <see cref="DefaultModelId"/>.</summary>
    public string? ModelFor(string? modelId) => modelId is null ? DefaultModelId : VllmModelRef.ToModelId(modelId);

    /// <summary>The model entry for <paramref name="modelId"/> (configured, or discovered earlier), or <see langword="null"/>;
    /// for <see langword="null"/> the only model. Never does I/O.</summary>
    public VllmModelDefinition? FindModel(string? modelId)
    {
        if (modelId is not null)
        {
            return _discovery.FindModel(modelId);
        }

        return _discovery.TryGetCachedModels(out var models) && models.Count == 1 ? models[0] : null;
    }

    /// <summary>POSTs <paramref name="body"/> as JSON and returns the success body; throws <see cref="VllmException"/> otherwise.</summary>
    /// <param name="url">The route.</param>
    /// <param name="body">The JSON body.</param>
    /// <param name="model">The model the body names, for hints.</param>
    /// <param name="missingRouteHint">The hint when the server has no such route (bare 404): the routes tried and what serves them.</param>
    /// <param name="call">The call's headers (request id, per-request headers), or <see langword="null"/> for a new request id only.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="VllmException">The server answered an error status, could not be reached, or did not answer in time.</exception>
    /// <exception cref="OperationCanceledException">The caller cancelled.</exception>
    public Task<ReadOnlyMemory<byte>> PostJsonAsync(Uri url, ReadOnlyMemory<byte> body, string? model, string missingRouteHint, VllmRequestHeaders? call, CancellationToken cancellationToken)
        => _transport.PostJsonAsync(url, body, Context(model) with { MissingRouteHint = missingRouteHint }, call, cancellationToken);

    /// <summary>The error context for hints.</summary>
    public VllmErrorContext Context(string? model)
        => VllmErrorContext.For(Endpoint, model, contextWindow: FindModel(model)?.ContextWindow);
}
