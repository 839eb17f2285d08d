using Connectors.Vllm.Testing.Server;
using Connectors.Vllm.Testing.Server.Routes;

namespace Connectors.Vllm.Testing;

/// <summary>
/// An in-process HTTP server on 127.0.0.1 that answers like vLLM's OpenAI-compatible server, with a scripted,
/// deterministic test "model" (it echoes; it is a test double, not a model). For tests and demos.
/// </summary>
/// <remarks>
/// Start it with <see cref="StartAsync"/>, point a client at <see cref="BaseUrl"/>, assert on <see cref="Requests"/>.
/// Thread-safe: requests may run concurrently.
/// </remarks>
public sealed class VllmTestServer : IAsyncDisposable
{
    private readonly LoopbackHost _host;
    private readonly ServerState _state;

    private VllmTestServer(VllmTestServerOptions options, LoopbackHost host)
    {
        Options = options;
        _host = host;
        _state = new ServerState(options, record => RequestAborted?.Invoke(this, record));
    }

    /// <summary>Raised (on a thread-pool thread) when a client goes away before its response is complete.</summary>
    public event EventHandler<RecordedRequest>? RequestAborted;

    /// <summary>Gets the options the server was started with.</summary>
    public VllmTestServerOptions Options { get; }

    /// <summary>Gets the OpenAI-style base URL, <c>http://127.0.0.1:&lt;port&gt;/v1</c>.</summary>
    public Uri BaseUrl => new(RootUrl, "v1");

    /// <summary>Gets the server root, <c>http://127.0.0.1:&lt;port&gt;/</c> (for <c>/health</c>, <c>/tokenize</c> and the like).</summary>
    public Uri RootUrl => _host.RootUrl;

    /// <summary>Gets the served models (base models and adapters in <c>/v1/models</c> order).</summary>
    public IReadOnlyList<VllmTestModel> Models => _state.Models;

    /// <summary>Gets a snapshot of the requests received so far, in arrival order (faulted and rejected ones included).</summary>
    public IReadOnlyList<RecordedRequest> Requests => _state.Requests();

    /// <summary>Gets how many requests were cut short because the client disconnected or cancelled.</summary>
    public int AbortedRequestCount => _state.AbortedCount;

    /// <summary>Gets how many requests are being processed right now.</summary>
    public int InFlightRequestCount => _state.InFlight;

    /// <summary>Starts a server.</summary>
    /// <param name="options">The options; null for defaults (one chat model <c>test-model</c>, no auth, strict, v0.27.1).</param>
    /// <param name="ct">Cancels the start.</param>
    /// <returns>The running server; dispose it to stop.</returns>
    public static async Task<VllmTestServer> StartAsync(VllmTestServerOptions? options = null, CancellationToken ct = default)
    {
        options ??= new VllmTestServerOptions();
        var server = new VllmTestServer(options, LoopbackHost.Build(options.Port, nameof(options)));
        server.Configure(server._host.App);
        await server._host.StartAsync(ct).ConfigureAwait(false);
        return server;
    }

    /// <summary>Forgets the recorded requests and the aborted-request count, and re-arms counted faults.</summary>
    public void Reset() => _state.Reset();

    /// <summary>Adds a fault for every matching request from now on (or for <see cref="VllmTestFault.Times"/> requests).</summary>
    /// <param name="fault">The fault.</param>
    public void AddFault(VllmTestFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        _state.AddFault(fault);
    }

    /// <summary>Removes every server-wide fault.</summary>
    public void ClearFaults() => _state.ClearFaults();

    /// <summary>Stops the server.</summary>
    /// <returns>A task that completes when the server has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        // Stalled and delayed responses are cut off first, so stopping never waits for them.
        if (await _host.StopOnceAsync(_state.Stopping.CancelAsync).ConfigureAwait(false))
        {
            _state.Stopping.Dispose();
        }
    }

    /// <summary>
    /// The pipeline: record the request, check the API key and the status faults (before routing, as vLLM's middleware
    /// does), then the routes; what no route matches gets FastAPI's 404 body.
    /// </summary>
    private void Configure(WebApplication app)
    {
        var pipeline = new RequestPipeline(_state);
        var guard = new ApiKeyGuard(_state);
        var statusFaults = new StatusFaults(_state);
        app.Use(pipeline.InvokeAsync);
        app.Use(guard.InvokeAsync);
        app.Use(statusFaults.InvokeAsync);
        app.UseRouting();
        MapRoutes(app);
        app.UseEndpoints(_ => { });
        app.Run(HttpOut.NotFoundAsync);
    }

    private void MapRoutes(IEndpointRouteBuilder routes)
    {
        ServerRoute[] all =
        [
            new HealthRoute(_state), new VersionRoute(_state), new LoadRoute(_state), new MetricsRoute(_state), new ModelsRoute(_state),
            new ChatCompletionsRoute(_state), new EmbeddingsRoute(_state), new TokenizeRoute(_state), new DetokenizeRoute(_state),
            new ScoreRoute(_state), new RerankRoute(_state), new TranscriptionsRoute(_state), new TranslationsRoute(_state), new CompletionsRoute(_state),
        ];
        foreach (var route in all)
        {
            route.Map(routes);
        }
    }
}
