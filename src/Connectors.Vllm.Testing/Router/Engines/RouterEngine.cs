using Connectors.Vllm.Testing.Server;

namespace Connectors.Vllm.Testing.Router.Engines;

/// <summary>
/// What one emulated engine decides: the API prefix, the request id, which backends may take a call and which one
/// does, <c>/v1/models</c>, the answers it gives itself (errors, overload). The forwarding is the same for all
/// (<see cref="RouterPipeline"/> with <see cref="Forwarder"/>).
/// </summary>
internal abstract class RouterEngine(RouterState state)
{
    protected RouterState State { get; } = state;

    /// <summary>The prefix of the OpenAI routes as clients see them.</summary>
    public virtual string ApiPrefix => "/v1";

    /// <summary>The response header carrying the request id, or null when the engine sets none.</summary>
    public virtual string? RequestIdResponseHeader => null;

    public static RouterEngine Create(RouterState state) => state.Options.Mode switch
    {
        VllmTestRouterMode.ProductionStack => new ProductionStackEngine(state),
        VllmTestRouterMode.LlmD => new LlmDEngine(state),
        VllmTestRouterMode.VllmRouter => new VllmRouterEngine(state),
        VllmTestRouterMode.KServe => new KServeEngine(state),
        _ => throw new ArgumentOutOfRangeException(nameof(state), state.Options.Mode, "Unknown router mode."),
    };

    /// <summary>The request id sent on to the backend (the client's, or one the engine makes), or null for none.</summary>
    public abstract string? RequestId(HttpRequest request);

    /// <summary>Whether this engine ever gives <paramref name="kind"/>.</summary>
    public abstract bool Answers(VllmTestRouterFaultKind kind);

    /// <summary>Gives the engine's own answer of <paramref name="kind"/>.</summary>
    public abstract Task WriteFaultAsync(RouterCall call, VllmTestRouterFaultKind kind);

    /// <summary>The client path on the backend: false when the engine answers it with its 404.</summary>
    public virtual bool MapPath(RouterCall call, out bool isApi)
    {
        var path = call.Context.Request.Path.Value ?? "/";
        isApi = path.StartsWith(ApiPrefix + "/", StringComparison.Ordinal);
        call.BackendPath = path;
        return true;
    }

    /// <summary>Answers what the engine answers itself (its own routes, its request checks); false to forward.</summary>
    public virtual Task<bool> AnswerLocallyAsync(RouterCall call) => Task.FromResult(false);

    /// <summary>Answers <c>GET …/models</c> when the engine builds the list itself; false to forward as usual.</summary>
    public virtual Task<bool> AnswerModelsAsync(RouterCall call, Forwarder forwarder) => Task.FromResult(false);

    /// <summary>The backends that may take the call, in the engine's order.</summary>
    public virtual List<int> Candidates(RouterCall call) => State.Live();

    /// <summary>Picks one of <paramref name="candidates"/> (not empty) and records the routing key it used.</summary>
    public abstract int Pick(RouterCall call, IReadOnlyList<int> candidates);

    /// <summary>After a backend took the call, before its answer is copied: engine response headers.</summary>
    public virtual void OnRouted(RouterCall call, int backend)
    {
    }

    protected static Task WriteErrorJsonAsync(RouterCall call, int status, string message) =>
        HttpOut.WriteJsonAsync(call.Context, status, JsonOut.Build(w =>
        {
            w.WriteStartObject();
            w.WriteString("error", message);
            w.WriteEndObject();
        }));

    protected static Task WriteTextAsync(RouterCall call, int status, string text) =>
        HttpOut.WriteAsync(call.Context, status, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(text));

    protected static Task WriteEmptyAsync(RouterCall call, int status) => HttpOut.WriteAsync(call.Context, status, null, []);
}
