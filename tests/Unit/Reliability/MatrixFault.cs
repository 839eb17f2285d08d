namespace Connectors.Vllm.Tests.Unit.Reliability;

/// <summary>The faults the matrix injects.</summary>
public enum MatrixFault
{
    /// <summary>Delay before the first token (longer than FirstByteTimeout).</summary>
    DelayFirstToken,

    /// <summary>Stream stalls after a few events (longer than StreamIdleTimeout).</summary>
    StallMidStream,

    /// <summary>Connection reset mid-stream.</summary>
    CloseMidStream,

    /// <summary>Stream ends cleanly without <c>[DONE]</c>.</summary>
    NoDone,

    /// <summary>vLLM's error event inside a 200 stream.</summary>
    ErrorEvent,

    /// <summary>A data line that is not JSON.</summary>
    MalformedChunk,

    /// <summary>One SSE line longer than MaxSseLineBytes.</summary>
    OversizedLine,

    /// <summary>429 with Retry-After, on every attempt.</summary>
    TooManyRequests429,

    /// <summary>503 with Retry-After (vLLM's scaling body), on every attempt.</summary>
    ServiceUnavailable503,

    /// <summary>500 InternalServerError.</summary>
    InternalError500,

    /// <summary>Nothing listens on the port.</summary>
    ConnectionRefused,

    /// <summary>The host name never resolves (<c>.invalid</c>).</summary>
    DnsFailure,

    /// <summary><c>/health</c> answers 503 while the model loads.</summary>
    HealthLoading,

    /// <summary>The server is stopped and a new one started on the same port between two calls.</summary>
    ServerRestart,

    /// <summary>The server's key changes after a successful call (401 after 200).</summary>
    KeyRotated,

    /// <summary>The caller cancels the call.</summary>
    CallerCancel,
}
