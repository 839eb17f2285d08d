using Connectors.Vllm.Testing.Server;

namespace Connectors.Vllm.Testing.Router.Engines;

/// <summary>
/// vLLM production-stack's router. Sources (vllm-project/production-stack, <c>src/vllm_router</c>):
/// <c>services/request_service/request.py</c> (<c>route_general_request</c>: the request id, the body checks, the 404
/// and 503 bodies, fail-over to another engine when one cannot be reached), <c>routers/routing_logic.py</c>
/// (<c>SessionRouter</c>, <c>extract_session_id</c>: header, else body field), <c>routers/main_router.py</c>
/// (<c>/v1/models</c> union deduplicated by id, <c>/health</c>, <c>/version</c>), <c>service_discovery.py</c>
/// (static discovery's cards; Kubernetes discovery keeps each engine's card fields).
/// </summary>
internal sealed class ProductionStackEngine(RouterState state) : RouterEngine(state)
{
    /// <summary>The router's own package version, which <c>/version</c> answers (not vLLM's).</summary>
    public const string RouterVersion = "0.1.12";

    public override string? RequestIdResponseHeader => "X-Request-Id";

    public override string? RequestId(HttpRequest request) =>
        request.Headers["X-Request-Id"].ToString() is { Length: > 0 } id ? id : Guid.NewGuid().ToString();

    public override bool Answers(VllmTestRouterFaultKind kind) =>
        kind is VllmTestRouterFaultKind.Overloaded or VllmTestRouterFaultKind.NoHealthyBackend;

    public override Task WriteFaultAsync(RouterCall call, VllmTestRouterFaultKind kind) =>
        WriteErrorJsonAsync(call, 503, $"Model '{call.Model}' is temporarily unavailable. Please try again later.");

    public override async Task<bool> AnswerLocallyAsync(RouterCall call)
    {
        var path = call.BackendPath;
        if (call.IsGet && path is "/health" or "/version")
        {
            var body = path == "/health" ? "{\"status\":\"healthy\"}"u8.ToArray() : JsonOut.Build(w => WriteVersion(w));
            await HttpOut.WriteJsonAsync(call.Context, 200, body).ConfigureAwait(false);
            return true;
        }

        if (call.IsGet)
        {
            return false;
        }

        var refusal = call.JsonBroken ? "Invalid request: request body must be valid JSON."
            : call.Json is null ? "Invalid request: request body must be a JSON object."
            : call.Model is null ? "Invalid request: missing 'model' in request body."
            : null;
        if (refusal is not null)
        {
            await WriteErrorJsonAsync(call, 400, refusal).ConfigureAwait(false);
            return true;
        }

        if (!State.AnyServes(call.Model!))
        {
            await WriteErrorJsonAsync(call, 404, $"Model '{call.Model}' not found. Available models can be listed at /v1/models.").ConfigureAwait(false);
            return true;
        }

        return false;
    }

    public override async Task<bool> AnswerModelsAsync(RouterCall call, Forwarder forwarder)
    {
        // The list comes from the router's discovery: no engine sees the client's key.
        var cards = new List<JsonObject>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var index in State.Live())
        {
            foreach (var card in await CardsAsync(call, forwarder, State.Backend(index)).ConfigureAwait(false))
            {
                if (card["id"]?.GetValue<string>() is { } id && seen.Add(id))
                {
                    cards.Add(card);
                }
            }
        }

        var list = new JsonObject { ["object"] = "list", ["data"] = new JsonArray(cards.ToArray<JsonNode?>()) };
        await HttpOut.WriteJsonAsync(call.Context, 200, JsonOut.Build(w => list.WriteTo(w))).ConfigureAwait(false);
        return true;
    }

    public override List<int> Candidates(RouterCall call) => State.Live(call.Model);

    public override int Pick(RouterCall call, IReadOnlyList<int> candidates)
    {
        var key = State.Options.SessionKey;
        var session = key is null ? null : call.Header(key) ?? call.BodyField(call.Json, key);
        call.Record.RoutingKey = session;
        return session is null ? State.NextRoundRobin(candidates) : State.Ring.Pick(session, candidates);
    }

    private static void WriteVersion(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("version", RouterVersion);
        w.WriteEndObject();
    }

    /// <summary>
    /// One engine's cards: as the engine wrote them (Kubernetes discovery, which asks each engine with the router's own
    /// key, so the client's key is not checked here) or the static ones.
    /// </summary>
    private async Task<IEnumerable<JsonObject>> CardsAsync(RouterCall call, Forwarder forwarder, VllmTestServer backend)
    {
        if (!State.Options.KubernetesDiscovery)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            return backend.Models.Where(m => m.Parent is null).Select(m => new JsonObject
            {
                ["id"] = m.Id, ["object"] = "model", ["created"] = now, ["owned_by"] = "vllm", ["root"] = null, ["parent"] = null,
            });
        }

        using var response = await forwarder.GetOwnAsync(backend, "/v1/models", call.Context.RequestAborted).ConfigureAwait(false);
        if (response is not { IsSuccessStatusCode: true })
        {
            return [];
        }

        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(call.Context.RequestAborted).ConfigureAwait(false));
        return json?["data"]?.AsArray().OfType<JsonObject>().Select(c => (JsonObject)c.DeepClone()) ?? [];
    }
}
