using System.Collections.Concurrent;

namespace Connectors.Vllm.Testing.Router.Engines;

/// <summary>
/// llm-d's endpoint picker behind its gateway. Sources (llm-d/llm-d-router): <c>pkg/common/error/error.go</c>
/// (<c>inference error: &lt;Code&gt; - &lt;msg&gt;</c>, <c>x-llm-d-request-dropped-reason</c> and its values),
/// <c>pkg/epp/requestcontrol/admission.go</c> (429 saturated / TTL, 503 no endpoints),
/// <c>pkg/epp/handlers/server.go</c> (<c>x-request-id</c> made when missing; eviction: 429
/// <c>request evicted by flow control</c>), <c>pkg/epp/handlers/request.go</c> (a request without a body goes to a
/// random endpoint), <c>pkg/epp/framework/plugins/scheduling/filter/sessionaffinity/README.md</c> (<c>x-session-token</c>:
/// the base64 <c>namespace/name</c> of the pod, written on the response and sent back; <c>x-session-id</c>: a
/// server-side binding). In llm-d the two session strategies are alternatives; the emulation honours both at once.
/// With prefill/decode disaggregation (<see cref="VllmTestRouterOptions.PrefillTokenHeader"/>) a second instance of the
/// plugin, bound to the prefill profile, pins the prefill pod with its own token (same README, "PD Disaggregation
/// Configuration": <c>x-session-token-prefill</c>; <c>pkg/epp/framework/plugins/scheduling/util/sessionaffinity/header.go</c>
/// writes it only when the prefill profile ran).
/// </summary>
internal sealed class LlmDEngine(RouterState state) : RouterEngine(state)
{
    public const string SessionTokenHeader = "x-session-token";
    public const string SessionIdHeader = "x-session-id";
    public const string DroppedReasonHeader = "x-llm-d-request-dropped-reason";

    private readonly ConcurrentDictionary<string, int> _sessions = new(StringComparer.Ordinal);

    public override string? RequestId(HttpRequest request) =>
        request.Headers["x-request-id"].ToString() is { Length: > 0 } id ? id : Guid.NewGuid().ToString();

    public override bool Answers(VllmTestRouterFaultKind kind) => true;

    public override Task WriteFaultAsync(RouterCall call, VllmTestRouterFaultKind kind) => kind switch
    {
        VllmTestRouterFaultKind.Overloaded => DropAsync(call, 429, "inference error: ResourceExhausted - request rejected by flow control", "rejected-saturated"),
        VllmTestRouterFaultKind.QueueTimeout => DropAsync(call, 429, "inference error: ResourceExhausted - request timed out in queue: ttl expired", "rejected-ttl-expired"),
        VllmTestRouterFaultKind.Evicted => DropAsync(call, 429, "request evicted by flow control", "evicted"),
        _ => DropAsync(call, 503, "inference error: ServiceUnavailable - no endpoints available: request rejected by flow control", "rejected-no-endpoints"),
    };

    public override int Pick(RouterCall call, IReadOnlyList<int> candidates)
    {
        if (Pinned(call, SessionTokenHeader, candidates) is { } pinned)
        {
            call.Record.RoutingKey = call.Header(SessionTokenHeader);
            return pinned;
        }

        if (call.Header(SessionIdHeader) is { } session)
        {
            call.Record.RoutingKey = session;
            return _sessions.TryGetValue(session, out var bound) && candidates.Contains(bound) ? bound : State.NextRoundRobin(candidates);
        }

        // No session: a request without a body (GET /v1/models) goes to a random endpoint; the scorers' pick is emulated by round robin.
        return call.Body.Length == 0 ? State.Random(candidates) : State.NextRoundRobin(candidates);
    }

    public override void OnRouted(RouterCall call, int backend)
    {
        call.Context.Response.Headers[SessionTokenHeader] = Encode(backend);
        if (State.Options.PrefillTokenHeader is { Length: > 0 } prefillHeader && call.Body.Length > 0)
        {
            // The prefill profile (every request disaggregated, as with always-disagg-pd-decider): its own token pins it.
            var live = State.Live();
            var prefill = Pinned(call, prefillHeader, live) ?? (live.Count > 0 ? State.NextRoundRobin(live) : backend);
            call.Record.PrefillBackend = prefill;
            call.Context.Response.Headers[prefillHeader] = Encode(prefill);
        }

        if (call.Header(SessionIdHeader) is { } session)
        {
            _sessions[session] = backend;
        }
    }

    /// <summary>The token llm-d writes: base64 of the pod's <c>namespace/name</c>.</summary>
    public static string Encode(int backend) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"default/vllm-{backend}")));

    /// <summary>The backend the token in <paramref name="header"/> names, when it is one of <paramref name="candidates"/>.</summary>
    private static int? Pinned(RouterCall call, string header, IReadOnlyList<int> candidates) =>
        call.Header(header) is { } token && Decode(token) is { } pinned && candidates.Contains(pinned) ? pinned : null;

    private static int? Decode(string token)
    {
        try
        {
            var name = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            return name.StartsWith("default/vllm-", StringComparison.Ordinal)
                && int.TryParse(name.AsSpan("default/vllm-".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static Task DropAsync(RouterCall call, int status, string text, string reason)
    {
        call.Context.Response.Headers[DroppedReasonHeader] = reason;
        return WriteTextAsync(call, status, text);
    }
}
