namespace Connectors.Vllm.Testing;

/// <summary>
/// The overload answers <see cref="VllmTestRouter"/> can be scripted to give, each in the emulated engine's own shape.
/// The header form (<c>X-Test-Router-Fault: name</c>) is given for each. A kind the mode's engine never answers is
/// refused (<see cref="VllmTestRouter.AddFault"/> throws; the header gets a 400), so a test cannot test a shape that
/// does not exist.
/// </summary>
public enum VllmTestRouterFaultKind
{
    /// <summary>
    /// <c>overloaded</c>: production-stack 503 <c>{"error":"Model 'X' is temporarily unavailable. Please try again later."}</c>;
    /// llm-d 429 <c>inference error: ResourceExhausted - …</c> with <c>x-llm-d-request-dropped-reason: rejected-saturated</c>;
    /// vllm-router 429 with an empty body. KServe: not answered.
    /// </summary>
    Overloaded = 0,

    /// <summary>
    /// <c>queue-timeout</c>: llm-d 429 <c>inference error: ResourceExhausted - request timed out in queue: …</c> with
    /// <c>rejected-ttl-expired</c>; vllm-router 408 with an empty body. production-stack, KServe: not answered.
    /// </summary>
    QueueTimeout,

    /// <summary>
    /// <c>no-backend</c>: the mode's "no live engine" answer, as when every backend is down: production-stack 503
    /// <c>{"error":"Model 'X' is temporarily unavailable. …"}</c>; llm-d 503 <c>inference error: ServiceUnavailable - …</c>
    /// with <c>rejected-no-endpoints</c>; vllm-router 503 <c>No available workers (all circuits open or unhealthy)</c>;
    /// KServe 503 <c>{"error":"Model with name X is not ready."}</c>.
    /// </summary>
    NoHealthyBackend,

    /// <summary>
    /// <c>evicted</c>: llm-d 429 <c>request evicted by flow control</c> with <c>x-llm-d-request-dropped-reason: evicted</c>
    /// (flow control evicting a dispatched request before its response began). Other modes: not answered.
    /// </summary>
    Evicted,
}
