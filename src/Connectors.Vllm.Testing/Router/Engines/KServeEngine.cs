namespace Connectors.Vllm.Testing.Router.Engines;

/// <summary>
/// KServe's Hugging Face runtime, its replicas behind a Kubernetes Service. Sources (kserve/kserve):
/// <c>python/kserve/kserve/errors.py</c> (<c>Model with name X does not exist.</c> → 404 <c>{"error": …}</c>;
/// <c>Model with name X is not ready.</c>), <c>python/kserve/kserve/protocol/rest/openai/</c> (the OpenAI routes under
/// <c>/openai/v1</c>; model cards <c>id</c>, <c>object</c>, <c>created</c>, <c>owned_by</c>, no <c>max_model_len</c>).
/// </summary>
internal sealed class KServeEngine(RouterState state) : RouterEngine(state)
{
    public override string ApiPrefix => "/openai/v1";

    /// <summary>KServe makes no request id; the client's header passes through.</summary>
    public override string? RequestId(HttpRequest request) => null;

    public override bool Answers(VllmTestRouterFaultKind kind) => kind == VllmTestRouterFaultKind.NoHealthyBackend;

    public override Task WriteFaultAsync(RouterCall call, VllmTestRouterFaultKind kind) =>
        WriteErrorJsonAsync(call, 503, $"Model with name {call.Model} is not ready.");

    public override bool MapPath(RouterCall call, out bool isApi)
    {
        var path = call.Context.Request.Path.Value ?? "/";
        isApi = path.StartsWith(ApiPrefix + "/", StringComparison.Ordinal);
        call.BackendPath = isApi ? path[(ApiPrefix.Length - "/v1".Length)..] : path;

        // The OpenAI routes live under the prefix only: vLLM's own paths (/v1/…, /tokenize, /version) do not exist here.
        return isApi;
    }

    public override async Task<bool> AnswerLocallyAsync(RouterCall call)
    {
        if (call.IsGet || call.Model is not { } model || State.AnyServes(model))
        {
            return false;
        }

        await WriteErrorJsonAsync(call, 404, $"Model with name {model} does not exist.").ConfigureAwait(false);
        return true;
    }

    public override async Task<bool> AnswerModelsAsync(RouterCall call, Forwarder forwarder)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var ids = State.Backends().SelectMany(b => b.Models).Select(m => m.Id).Distinct(StringComparer.Ordinal);
        await HttpOut.WriteObjectAsync(call.Context, w =>
        {
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            foreach (var id in ids)
            {
                w.WriteStartObject();
                w.WriteString("id", id);
                w.WriteString("object", "model");
                w.WriteNumber("created", now);
                w.WriteString("owned_by", string.Empty);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }).ConfigureAwait(false);
        return true;
    }

    public override int Pick(RouterCall call, IReadOnlyList<int> candidates) => State.NextRoundRobin(candidates);
}
