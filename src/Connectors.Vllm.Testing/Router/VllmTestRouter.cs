using Connectors.Vllm.Testing.Router;
using Connectors.Vllm.Testing.Router.Engines;

namespace Connectors.Vllm.Testing;

/// <summary>
/// An in-process emulation, on 127.0.0.1, of a router in front of several <see cref="VllmTestServer"/> backends:
/// vLLM production-stack, llm-d, vllm-router or KServe (<see cref="VllmTestRouterMode"/>), reproducing from each
/// engine's source what a client feels — routing keys and session affinity, <c>/v1/models</c>, error bodies, request
/// id and session headers, overload answers (<see cref="VllmTestRouterFault"/>). Answers are streamed through from
/// the backend as they arrive; a backend that breaks off mid-answer breaks the client's connection off.
/// </summary>
/// <remarks>
/// It is a test double of the documented behaviour, not the engine: routing by load, prefix caches, Kubernetes and
/// the engines' own retries are not emulated (a backend that cannot be reached is skipped for the next live one).
/// Thread-safe: requests may run concurrently. The backends are not owned: dispose them yourself.
/// </remarks>
public sealed class VllmTestRouter : IAsyncDisposable
{
    private readonly LoopbackHost _host;
    private readonly RouterState _state;
    private readonly RouterEngine _engine;
    private readonly Forwarder _forwarder = new();

    private VllmTestRouter(VllmTestRouterOptions options, VllmTestServer[] backends, LoopbackHost host)
    {
        _host = host;
        _state = new RouterState(options, backends);
        _engine = RouterEngine.Create(_state);
        foreach (var fault in options.Faults)
        {
            CheckAnswered(fault);
        }
    }

    /// <summary>Gets the options the router was started with.</summary>
    public VllmTestRouterOptions Options => _state.Options;

    /// <summary>Gets the OpenAI-style base URL clients use: <c>http://127.0.0.1:&lt;port&gt;/v1</c> (KServe: <c>…/openai/v1</c>).</summary>
    public Uri BaseUrl => new(RootUrl, _engine.ApiPrefix.TrimStart('/'));

    /// <summary>Gets the router root, <c>http://127.0.0.1:&lt;port&gt;/</c>.</summary>
    public Uri RootUrl => _host.RootUrl;

    /// <summary>Gets the backends, by index (the index <see cref="VllmTestRouterRequest.Backend"/> names).</summary>
    public IReadOnlyList<VllmTestServer> Backends => _state.Backends();

    /// <summary>Gets a snapshot of the requests handled so far, in arrival order.</summary>
    public IReadOnlyList<VllmTestRouterRequest> Requests => _state.Requests();

    /// <summary>Starts a router in front of <paramref name="backends"/>.</summary>
    /// <param name="backends">The backends (at least one), each already started; not owned by the router.</param>
    /// <param name="options">The options; null for production-stack with round-robin routing.</param>
    /// <param name="ct">Cancels the start.</param>
    /// <returns>The running router; dispose it to stop.</returns>
    /// <exception cref="ArgumentException">No backend, or a scripted fault the mode's engine never answers.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="VllmTestRouterOptions.Port"/> is not a TCP port.</exception>
    public static async Task<VllmTestRouter> StartAsync(IEnumerable<VllmTestServer> backends, VllmTestRouterOptions? options = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(backends);
        var list = backends.ToArray();
        if (list.Length == 0 || list.Any(b => b is null))
        {
            throw new ArgumentException("Give at least one started VllmTestServer (and no null).", nameof(backends));
        }

        options ??= new VllmTestRouterOptions();
        var router = new VllmTestRouter(options, list, LoopbackHost.Build(options.Port, nameof(options)));
        router._host.App.Run(new RouterPipeline(router._state, router._engine, router._forwarder).InvokeAsync);
        await router._host.StartAsync(ct).ConfigureAwait(false);
        return router;
    }

    /// <summary>Marks a backend down (the engine sees it as unhealthy and routes around it) or up again.</summary>
    /// <param name="backend">The backend's index.</param>
    /// <param name="available">False to take it out of routing.</param>
    public void SetBackendAvailable(int backend, bool available)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(backend);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(backend, _state.Count);
        _state.SetAvailable(backend, available);
    }

    /// <summary>Puts <paramref name="replacement"/> where backend <paramref name="backend"/> was (a restarted engine).</summary>
    /// <param name="backend">The backend's index.</param>
    /// <param name="replacement">The new, started server.</param>
    public void ReplaceBackend(int backend, VllmTestServer replacement)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        ArgumentOutOfRangeException.ThrowIfNegative(backend);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(backend, _state.Count);
        _state.Replace(backend, replacement);
    }

    /// <summary>Adds an overload answer for every matching request from now on (or for <see cref="VllmTestRouterFault.Times"/> requests).</summary>
    /// <param name="fault">The fault.</param>
    /// <exception cref="ArgumentException">The mode's engine never gives that answer.</exception>
    public void AddFault(VllmTestRouterFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        CheckAnswered(fault);
        _state.AddFault(fault);
    }

    /// <summary>Removes every router-wide fault.</summary>
    public void ClearFaults() => _state.ClearFaults();

    /// <summary>Forgets the recorded requests and re-arms counted faults.</summary>
    public void Reset() => _state.Reset();

    /// <summary>Stops the router (not the backends).</summary>
    /// <returns>A task that completes when the router has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (await _host.StopOnceAsync().ConfigureAwait(false))
        {
            _forwarder.Dispose();
        }
    }

    private void CheckAnswered(VllmTestRouterFault fault)
    {
        if (!_engine.Answers(fault.Kind))
        {
            throw new ArgumentException($"{_state.Options.Mode} never answers {fault.Kind}; see VllmTestRouterFaultKind for which engine gives what.", nameof(fault));
        }
    }
}
