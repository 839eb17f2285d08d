using System.Security.Cryptography;

namespace Connectors.Vllm.Testing.Router.Engines;

/// <summary>
/// vllm-router with the <c>consistent_hash</c> policy. Sources (vllm-project/router): <c>docs/load_balancing/README.md</c>
/// (the hash key priority, 160 virtual nodes, fall back to a healthy worker), <c>src/middleware.rs</c> (the request id
/// taken or made with an OpenAI-like prefix and always returned as <c>x-request-id</c>; 429 with an empty body when the
/// token bucket and queue are full; 408 on queue timeout), <c>src/routers/http/router.rs</c> (503
/// <c>No available workers (all circuits open or unhealthy)</c>; <c>/v1/models</c> from the first worker).
/// </summary>
internal sealed class VllmRouterEngine(RouterState state) : RouterEngine(state)
{
    public const string NoWorkers = "No available workers (all circuits open or unhealthy)";

    private static readonly string[] KeyHeaders = ["X-Session-ID", "X-User-ID", "X-Tenant-ID", "X-Request-ID", "X-Correlation-ID", "X-Trace-ID"];

    public override string? RequestIdResponseHeader => "x-request-id";

    public override string? RequestId(HttpRequest request)
    {
        if (request.Headers["x-request-id"].ToString() is { Length: > 0 } id)
        {
            return id;
        }

        var path = request.Path.Value ?? "/";
        var prefix = path.Contains("/chat/completions", StringComparison.Ordinal) ? "chatcmpl-"
            : path.Contains("/completions", StringComparison.Ordinal) ? "cmpl-" : "req-";
        return prefix + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 24);
    }

    public override bool Answers(VllmTestRouterFaultKind kind) => kind is not VllmTestRouterFaultKind.Evicted;

    public override Task WriteFaultAsync(RouterCall call, VllmTestRouterFaultKind kind) => kind switch
    {
        VllmTestRouterFaultKind.Overloaded => WriteEmptyAsync(call, 429),
        VllmTestRouterFaultKind.QueueTimeout => WriteEmptyAsync(call, 408),
        _ => WriteTextAsync(call, 503, NoWorkers),
    };

    public override async Task<bool> AnswerModelsAsync(RouterCall call, Forwarder forwarder)
    {
        using var response = await forwarder.SendAsync(call, State.Backend(0), call.BackendPath).ConfigureAwait(false);
        if (response is null)
        {
            await WriteFaultAsync(call, VllmTestRouterFaultKind.NoHealthyBackend).ConfigureAwait(false);
            return true;
        }

        call.Record.Backend = 0;
        await Forwarder.CopyAsync(response, call.Context).ConfigureAwait(false);
        return true;
    }

    public override int Pick(RouterCall call, IReadOnlyList<int> candidates)
    {
        var key = RoutingKey(call);
        call.Record.RoutingKey = key;
        return State.Ring.Pick(key, candidates);
    }

    private static string RoutingKey(RouterCall call)
    {
        foreach (var header in KeyHeaders)
        {
            if (call.Header(header) is { } value)
            {
                return value;
            }
        }

        return call.BodyField(call.Json?["session_params"] as JsonObject, "session_id")
            ?? call.BodyField(call.Json, "user")
            ?? call.BodyField(call.Json, "session_id")
            ?? call.BodyField(call.Json, "user_id")
            ?? "body:" + Convert.ToHexString(SHA256.HashData(call.Body));
    }
}
