namespace Connectors.Vllm.Testing;

/// <summary>The fault modes of <see cref="VllmTestServer"/>. The header form (<c>X-Test-Fault: name[;param]</c>) is given for each.</summary>
/// <remarks>
/// The stream faults (<see cref="StallMidStream"/>, <see cref="CloseMidStream"/>, <see cref="NoDone"/>, <see cref="ErrorEvent"/>,
/// <see cref="MalformedChunk"/>, <see cref="OversizedLine"/>) apply to every streamed answer, the same way: chat completions,
/// text completions (<c>/v1/completions</c>) and speech to text (<c>/v1/audio/transcriptions</c>, <c>/v1/audio/translations</c>)
/// with <c>stream</c> set; a request that is not streamed leaves them untaken. An event count n counts the route's own
/// events (chat's role chunk included); a stream of fewer than n events ends before the fault's turn
/// (only <see cref="NoDone"/> still applies). <see cref="DelayFirstToken"/> and <see cref="NoToolCall"/> apply to chat completions only.
/// </remarks>
public enum VllmTestFaultKind
{
    /// <summary><c>delay-first-token;ms</c>: wait before the first byte of a chat response (default 1000 ms); chat completions only.</summary>
    DelayFirstToken = 0,

    /// <summary><c>stall;n</c>: after n SSE events (default 2) stop sending, without closing, until the client goes away.</summary>
    StallMidStream,

    /// <summary><c>close;n</c>: after n SSE events (default 2) abort the connection.</summary>
    CloseMidStream,

    /// <summary><c>no-done</c>: end the SSE response normally but without <c>data: [DONE]</c>.</summary>
    NoDone,

    /// <summary><c>error-event;n</c>: after n SSE events (default 2) send vLLM's mid-stream error event (the same on every route),
    /// then <c>[DONE]</c>.</summary>
    ErrorEvent,

    /// <summary><c>malformed-chunk;n</c>: after n SSE events (default 2) send a <c>data:</c> line that is not valid JSON (one of
    /// the route's chunks cut off inside its text), then carry on.</summary>
    MalformedChunk,

    /// <summary><c>oversized-line;bytes</c>: after the first event (chat's role chunk) send one valid chunk of the route whose text
    /// is that long (default 1 MiB).</summary>
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
