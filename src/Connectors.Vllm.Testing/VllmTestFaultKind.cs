namespace Connectors.Vllm.Testing;

/// <summary>The fault modes of <see cref="VllmTestServer"/>. The header form (<c>X-Test-Fault: name[;param]</c>) is given for each.</summary>
public enum VllmTestFaultKind
{
    /// <summary><c>delay-first-token;ms</c>: wait before the first byte of a chat response (default 1000 ms).</summary>
    DelayFirstToken = 0,

    /// <summary><c>stall;n</c>: after n SSE events (default 2) stop sending, without closing, until the client goes away.</summary>
    StallMidStream,

    /// <summary><c>close;n</c>: after n SSE events (default 2) abort the connection.</summary>
    CloseMidStream,

    /// <summary><c>no-done</c>: end the SSE response normally but without <c>data: [DONE]</c>.</summary>
    NoDone,

    /// <summary><c>error-event;n</c>: after n SSE events (default 2) send vLLM's mid-stream error event, then <c>[DONE]</c>.</summary>
    ErrorEvent,

    /// <summary><c>malformed-chunk;n</c>: after n SSE events (default 2) send a <c>data:</c> line that is not valid JSON.</summary>
    MalformedChunk,

    /// <summary><c>oversized-line;bytes</c>: after the role chunk send one event whose line is that long (default 1 MiB).</summary>
    OversizedLine,

    /// <summary><c>429;seconds</c>: answer 429 with <c>Retry-After</c> (default 1). vLLM itself never sends 429; proxies in front of it do.</summary>
    TooManyRequests,

    /// <summary><c>503;seconds</c>: answer 503 with <c>Retry-After</c> (default 1) and vLLM's scaling body.</summary>
    ServiceUnavailable,

    /// <summary><c>500</c>: answer 500 with vLLM's <c>InternalServerError</c> body.</summary>
    InternalError,

    /// <summary><c>health-loading</c>: <c>/health</c> and <c>/ping</c> answer 503 with an empty body.</summary>
    HealthLoading,

    /// <summary><c>no-tool-call;1</c>: a chat request with tools gets no tool call whatever its <c>tool_choice</c> (vLLM
    /// issues #11700, #20470): a text answer with <c>finish_reason</c> <c>stop</c>, or with parameter 1 the text and
    /// <c>finish_reason: "tool_calls"</c> with an empty list of calls.</summary>
    NoToolCall,
}
