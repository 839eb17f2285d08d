using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using Connectors.Vllm.Catalog;
using Microsoft.Extensions.AI;

namespace Connectors.Vllm;

/// <summary>
/// The models a vLLM server serves and what the server says about itself: explicitly configured models
/// as written, or <c>GET {BaseUrl}/models</c>; <c>GET /version</c> for the server version.
/// </summary>
/// <remarks>
/// <para>When <see cref="VllmProviderOptions.Models"/> is not empty those models are used and discovery is
/// skipped. Otherwise each model card becomes a <see cref="VllmModelDefinition"/>: <c>max_model_len</c> becomes
/// <see cref="VllmModelDefinition.ContextWindow"/>, LoRA adapters keep <see cref="VllmModelDefinition.Parent"/> and
/// <see cref="VllmModelDefinition.Root"/> and take their parent's context window (vLLM lists none for an adapter, which
/// runs inside its base model's window), and capabilities and <see cref="VllmModelDefinition.MaxTokens"/> stay
/// undeclared (<see langword="null"/>): they are never guessed from a model id.</para>
/// <para>Results are cached for <see cref="VllmProviderOptions.DiscoveryCacheTtl"/>. Concurrent callers share one
/// request; a caller's cancellation ends only that caller's wait; a failure is not cached. After the first
/// successful call, <see cref="GetModelsAsync"/>, <see cref="GetChatClientMetadataAsync"/> and the
/// <c>TryGetCached…</c> methods answer from memory without allocating. This class is thread-safe.</para>
/// <para>Security: requests go through the private-network gate (see <see cref="VllmHttpHandler"/>). A supplied
/// <see cref="HttpClient"/> keeps the gate only when it was built on <see cref="VllmHttpHandler.CreatePrimaryHandler"/>.</para>
/// </remarks>
public sealed class VllmModelDiscovery : IDisposable
{
    private const int MaxCachedMetadata = 256;
    private const int MaxLoggedModelIds = 20;

    private readonly VllmEndpoint _endpoint;
    private readonly VllmTransport _transport;
    private readonly VllmModelsSnapshot? _configured;
    private readonly VllmSingleFlightCache<VllmModelsSnapshot> _models;
    private readonly VllmSingleFlightCache<VllmServerInfo> _serverInfo;
    private readonly ConcurrentDictionary<string, Task<ChatClientMetadata>> _metadataById = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">The provider options; validated and read now (later changes are not seen).</param>
    /// <param name="httpClient">The client to send requests with, or <see langword="null"/> to create a gated one
    /// (disposed with this instance). A supplied client is not disposed; build it on
    /// <see cref="VllmHttpHandler.CreatePrimaryHandler"/> to keep the private-network gate.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="VllmException">The options are invalid, or a <c>${NAME}</c> they reference is not set.</exception>
    public VllmModelDiscovery(VllmProviderOptions options, HttpClient? httpClient = null)
        : this(options, httpClient, TimeProvider.System)
    {
    }

    internal VllmModelDiscovery(VllmProviderOptions options, HttpClient? httpClient, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        _endpoint = VllmEndpoint.Resolve(options);
        BaseUrl = options.BaseUrl;
        if (options.Models.Count > 0)
        {
            var copy = new VllmModelDefinition[options.Models.Count];
            options.Models.CopyTo(copy, 0);
            _configured = new VllmModelsSnapshot(new ReadOnlyCollection<VllmModelDefinition>(copy), BaseUrl, options.GetSettingKey(nameof(VllmProviderOptions.Models)));
        }

        _transport = new VllmTransport(_endpoint, httpClient);
        var ttl = options.DiscoveryCacheTtl;
        _models = new VllmSingleFlightCache<VllmModelsSnapshot>(FetchModelsAsync, ttl, timeProvider);
        _serverInfo = new VllmSingleFlightCache<VllmServerInfo>(FetchServerInfoAsync, ttl, timeProvider);
    }

    /// <summary>Gets the base URL the models are discovered from.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Gets the models: the configured ones, or those the server lists (cached).</summary>
    /// <param name="cancellationToken">Ends this caller's wait; a request shared with other callers continues for them.</param>
    /// <returns>The models, in the server's order (base models first, then LoRA adapters).</returns>
    /// <exception cref="VllmException">The server could not be reached or refused (the private-network gate included),
    /// answered with an error, or sent a body that is too large or not a vLLM model list.</exception>
    public Task<IReadOnlyList<VllmModelDefinition>> GetModelsAsync(CancellationToken cancellationToken = default)
    {
        if (TryGetSnapshot(out var snapshot))
        {
            return snapshot.ModelsTask;
        }

        return GetModelsSlowAsync(cancellationToken);
    }

    /// <summary>Gets the <see cref="ChatClientMetadata"/> for a model: provider <c>"vllm"</c>, the base URL, and the model id.</summary>
    /// <param name="modelId">The model id (or <c>vllm/&lt;id&gt;</c>); <see langword="null"/> for the only model configured or served.
    /// A given id is not checked against the server (use <see cref="FindModelAsync"/> for that).</param>
    /// <param name="cancellationToken">Ends this caller's wait.</param>
    /// <returns>The metadata; the same instance for the same id, without allocation after the first call.</returns>
    /// <exception cref="ArgumentException"><paramref name="modelId"/> is empty or white space.</exception>
    /// <exception cref="VllmException"><paramref name="modelId"/> is <see langword="null"/> and there is not exactly one model
    /// (the message lists them), or discovery failed.</exception>
    public Task<ChatClientMetadata> GetChatClientMetadataAsync(string? modelId, CancellationToken cancellationToken = default)
    {
        if (modelId is null)
        {
            return TryGetSnapshot(out var snapshot)
                ? snapshot.GetDefaultMetadataTask()
                : GetDefaultMetadataSlowAsync(cancellationToken);
        }

        return GetMetadataTask(modelId);
    }

    /// <summary>Finds a model by id (or <c>vllm/&lt;id&gt;</c>), discovering the models first when needed.</summary>
    /// <param name="modelId">The model id.</param>
    /// <param name="cancellationToken">Ends this caller's wait.</param>
    /// <returns>The model, or <see langword="null"/> when it is not configured or served.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="modelId"/> is <see langword="null"/>.</exception>
    /// <exception cref="VllmException">Discovery failed.</exception>
    public async Task<VllmModelDefinition?> FindModelAsync(string modelId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        var snapshot = _configured ?? await _models.GetAsync(cancellationToken).ConfigureAwait(false);
        return snapshot.Find(modelId) ?? snapshot.Find(VllmModelRef.ToModelId(modelId));
    }

    /// <summary>Gets what the server says about itself (<c>GET /version</c> at the server root, cached).</summary>
    /// <param name="cancellationToken">Ends this caller's wait.</param>
    /// <returns>The server info; its version is <see langword="null"/> when the server has no <c>/version</c>.</returns>
    /// <exception cref="VllmException">The server could not be reached, or answered <c>/version</c> with a 5xx error.</exception>
    public Task<VllmServerInfo> GetServerInfoAsync(CancellationToken cancellationToken = default)
        => _serverInfo.GetAsync(cancellationToken);

    /// <summary>Forgets the discovered models and server info, so the next call asks the server again
    /// (for example after the server answered that a model does not exist).</summary>
    public void Invalidate()
    {
        _models.Invalidate();
        _serverInfo.Invalidate();
    }

    /// <summary>Disposes the <see cref="HttpClient"/> this instance created; a supplied client is left alone.</summary>
    public void Dispose() => _transport.Dispose();

    private bool TryGetSnapshot([NotNullWhen(true)] out VllmModelsSnapshot? snapshot)
    {
        snapshot = _configured;
        return snapshot is not null || _models.TryGetFresh(out snapshot);
    }

    private Task<ChatClientMetadata> GetMetadataTask(string modelId)
    {
        if (_metadataById.TryGetValue(modelId, out var cached))
        {
            return cached;
        }

        if (string.IsNullOrWhiteSpace(modelId))
        {
            throw new ArgumentException("The model id must not be empty.", nameof(modelId));
        }

        var task = Task.FromResult(new ChatClientMetadata(VllmModelRef.ProviderName, BaseUrl, VllmModelRef.ToModelId(modelId)));
        if (_metadataById.Count < MaxCachedMetadata)
        {
            task = _metadataById.GetOrAdd(modelId, task);
        }

        return task;
    }

    private async Task<IReadOnlyList<VllmModelDefinition>> GetModelsSlowAsync(CancellationToken cancellationToken)
        => (await _models.GetAsync(cancellationToken).ConfigureAwait(false)).Models;

    private async Task<ChatClientMetadata> GetDefaultMetadataSlowAsync(CancellationToken cancellationToken)
    {
        var snapshot = await _models.GetAsync(cancellationToken).ConfigureAwait(false);
        return await snapshot.GetDefaultMetadataTask().ConfigureAwait(false);
    }

    private async Task<VllmModelsSnapshot> FetchModelsAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<VllmModelDefinition> models;
        try
        {
            models = await VllmDiscoveryHttp.FetchModelsAsync(_transport, cancellationToken).ConfigureAwait(false);
        }
        catch (VllmException ex)
        {
            _endpoint.Logger.DiscoveryFailed(BaseUrl, VllmLog.StatusText(ex), ex);
            throw;
        }

        var snapshot = new VllmModelsSnapshot(models, BaseUrl, configuredKey: null);
        if (_endpoint.Logger.IsEnabled(LogLevel.Information))
        {
            var ids = snapshot.ServedIds;
            var shown = ids.Count <= MaxLoggedModelIds ? string.Join(", ", ids) : string.Join(", ", ids.Take(MaxLoggedModelIds)) + $", … ({ids.Count - MaxLoggedModelIds} more)";
            _endpoint.Logger.ModelsDiscovered(models.Count, BaseUrl, shown);
        }

        return snapshot;
    }

    private async Task<VllmServerInfo> FetchServerInfoAsync(CancellationToken cancellationToken)
    {
        var info = await VllmDiscoveryHttp.FetchServerInfoAsync(_transport, cancellationToken, retry: true).ConfigureAwait(false);
        _endpoint.Logger.ServerVersionRead(BaseUrl, info.VersionText ?? "(none: no /version)");
        return info;
    }
}
