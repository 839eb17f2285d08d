namespace Connectors.Vllm.Pipeline;

/// <summary>
/// A component's view of the server facts (model entries, <c>/version</c>, the served ids for a hint), read only through
/// <see cref="VllmModelDiscovery"/>'s public API on the component's own <see cref="System.Net.Http.HttpClient"/>, so the
/// two packages share no internals (docs/architecture.md, "The package boundary").
/// </summary>
/// <remarks>Model entries for gating come from configuration only: entries discovered from <c>/v1/models</c> declare no
/// capabilities, so reading them would cost a request and gate nothing. A call that needs no entry and no version does
/// no discovery I/O at all.</remarks>
internal sealed class VllmServerFacts : IDisposable
{
    private readonly VllmProviderOptions _options;
    private readonly VllmTransport _transport;
    private readonly bool _configured;
    private VllmModelDiscovery? _served;

    public VllmServerFacts(VllmProviderOptions options, VllmTransport transport)
    {
        _options = options;
        _transport = transport;
        _configured = options.Models.Count > 0;
        Discovery = new VllmModelDiscovery(options, transport.HttpClient);
    }

    /// <summary>The component's discovery (what <c>GetService(typeof(VllmModelDiscovery))</c> returns).</summary>
    public VllmModelDiscovery Discovery { get; }

    /// <summary>The configured entry for <paramref name="modelId"/> (or <c>vllm/&lt;id&gt;</c>), or <see langword="null"/>;
    /// for <see langword="null"/> the only configured model. Never does I/O.</summary>
    public async ValueTask<VllmModelDefinition?> FindConfiguredModelAsync(string? modelId, CancellationToken cancellationToken)
    {
        if (!_configured)
        {
            return null;
        }

        if (modelId is not null)
        {
            return await Discovery.FindModelAsync(modelId, cancellationToken).ConfigureAwait(false);
        }

        var models = await Discovery.GetModelsAsync(cancellationToken).ConfigureAwait(false);
        return models.Count == 1 ? models[0] : null;
    }

    /// <summary>The server's info (cached by the discovery), or <see langword="null"/> when it cannot say: callers then use the
    /// forms every version accepts.</summary>
    public async ValueTask<VllmServerInfo?> TryGetServerInfoAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await Discovery.GetServerInfoAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (VllmException ex)
        {
            _transport.Endpoint.Logger.ServerVersionUnknown(_transport.Endpoint.BaseUrl, VllmLog.StatusText(ex));
            return null;
        }
    }

    /// <summary>The model ids the server serves, for the hint of an unknown-model 404, or <see langword="null"/> when the
    /// server could not say. With configured models the server's own list is asked once and cached (the configured list is
    /// what the caller believes, not what the server serves); with discovered models the cache is refreshed first, since the
    /// 404 says it may be stale.</summary>
    public async Task<IReadOnlyList<string>?> GetServedModelIdsForHintAsync(CancellationToken cancellationToken)
    {
        var served = _configured ? ServedDiscovery() : Discovery;
        if (!_configured)
        {
            served.Invalidate();
        }

        try
        {
            var models = await served.GetModelsAsync(cancellationToken).ConfigureAwait(false);
            var ids = new string[models.Count];
            for (var i = 0; i < ids.Length; i++)
            {
                ids[i] = models[i].Id;
            }

            return ids;
        }
        catch (VllmException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        Discovery.Dispose();
        _served?.Dispose();
    }

    /// <summary>A discovery of what the server lists, for components whose models are configured; made on the first 404.</summary>
    private VllmModelDiscovery ServedDiscovery()
    {
        if (Volatile.Read(ref _served) is { } existing)
        {
            return existing;
        }

        var options = _options.Clone();
        options.Models.Clear();
        var created = new VllmModelDiscovery(options, _transport.HttpClient);
        var winner = Interlocked.CompareExchange(ref _served, created, null);
        if (winner is not null)
        {
            created.Dispose();
            return winner;
        }

        return created;
    }
}
