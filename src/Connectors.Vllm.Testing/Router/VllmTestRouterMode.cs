namespace Connectors.Vllm.Testing;

/// <summary>
/// Which router <see cref="VllmTestRouter"/> emulates. Each mode reproduces, from that engine's source, what a client
/// feels: the routing key (session affinity), <c>/v1/models</c>, the error bodies, the headers and the overload answers.
/// It is an emulation of the documented behaviour, not the engine.
/// </summary>
public enum VllmTestRouterMode
{
    /// <summary>
    /// vLLM production-stack's router (vllm-project/production-stack, <c>src/vllm_router</c>): session routing on the
    /// header (else body field) named by <c>--session-key</c> (<see cref="VllmTestRouterOptions.SessionKey"/>) over a
    /// hash ring, round robin without one; <c>/v1/models</c> the union of the engines' lists, deduplicated by id;
    /// errors <c>{"error":"&lt;string&gt;"}</c>; <c>X-Request-Id</c> taken from the client or made, always returned.
    /// Sources: <c>routers/main_router.py</c>, <c>services/request_service/request.py</c>, <c>routers/routing_logic.py</c>.
    /// </summary>
    ProductionStack = 0,

    /// <summary>
    /// llm-d's endpoint picker (llm-d/llm-d-router) behind its gateway: session affinity through the
    /// <c>x-session-token</c> response header the client sends back (or a server-side binding of <c>x-session-id</c>), and
    /// with prefill/decode disaggregation a second token for the prefill pod (<see cref="VllmTestRouterOptions.PrefillTokenHeader"/>);
    /// a GET without a body (<c>/v1/models</c>) goes to one random replica; overload answers are plain text
    /// <c>inference error: &lt;Code&gt; - &lt;msg&gt;</c> with 429 or 503 and <c>x-llm-d-request-dropped-reason</c>.
    /// Sources: <c>pkg/common/error/error.go</c>, <c>pkg/epp/handlers/request.go</c>, <c>pkg/epp/handlers/server.go</c>,
    /// <c>pkg/epp/requestcontrol/admission.go</c>, <c>pkg/epp/framework/plugins/scheduling/filter/sessionaffinity/README.md</c>.
    /// </summary>
    LlmD,

    /// <summary>
    /// vllm-router (vllm-project/router) with the <c>consistent_hash</c> policy: hash key from <c>X-Session-ID</c>,
    /// <c>X-User-ID</c>, <c>X-Tenant-ID</c>, <c>X-Request-ID</c>, <c>X-Correlation-ID</c>, <c>X-Trace-ID</c>, then the
    /// body's <c>session_params.session_id</c>, <c>user</c>, <c>session_id</c>, <c>user_id</c>, else the whole body;
    /// 429 with an empty body when rate limited, 408 on queue timeout, 503 plain text when no worker is healthy;
    /// <c>x-request-id</c> always returned; <c>/v1/models</c> from the first worker.
    /// Sources: <c>docs/load_balancing/README.md</c>, <c>src/middleware.rs</c>, <c>src/routers/http/router.rs</c>.
    /// </summary>
    VllmRouter,

    /// <summary>
    /// KServe's Hugging Face runtime: the OpenAI routes under <c>/openai/v1</c>; <c>/v1/models</c> cards without
    /// <c>max_model_len</c> (<c>owned_by: ""</c>); errors <c>{"error":"Model with name X does not exist."}</c> (404) and
    /// <c>{"error":"Model with name X is not ready."}</c> (503); replicas behind a Kubernetes Service (round robin).
    /// Sources: kserve/kserve <c>python/kserve/kserve/errors.py</c>, <c>python/kserve/kserve/protocol/rest/openai/</c>.
    /// </summary>
    KServe,
}
