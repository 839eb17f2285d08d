namespace Connectors.Vllm.Testing;

/// <summary>One request as <see cref="VllmTestRouter"/> handled it: where it went and why, for assertions.</summary>
public sealed class VllmTestRouterRequest
{
    private int _statusCode;

    internal VllmTestRouterRequest(string method, string path, string? requestId)
    {
        Method = method;
        Path = path;
        RequestId = requestId;
    }

    /// <summary>Gets the HTTP method.</summary>
    public string Method { get; }

    /// <summary>Gets the path the client asked for (before any prefix is stripped).</summary>
    public string Path { get; }

    /// <summary>Gets the request id the router used (the client's or one it made), or null when the engine makes none.</summary>
    public string? RequestId { get; }

    /// <summary>Gets the index in <see cref="VllmTestRouter.Backends"/> of the backend that answered, or null when the router answered itself.</summary>
    public int? Backend { get; internal set; }

    /// <summary>Gets the index in <see cref="VllmTestRouter.Backends"/> of the prefill pod llm-d's picker chose for the request
    /// (<see cref="VllmTestRouterOptions.PrefillTokenHeader"/>), or null when the request was not disaggregated.</summary>
    public int? PrefillBackend { get; internal set; }

    /// <summary>Gets the routing key the engine hashed or bound (a session id, user, token…), or null when it routed without one.</summary>
    public string? RoutingKey { get; internal set; }

    /// <summary>Gets the scripted answer given instead of forwarding, if any.</summary>
    public VllmTestRouterFaultKind? Fault { get; internal set; }

    /// <summary>Gets the status code the client got (0 until the response headers were sent).</summary>
    public int StatusCode => Volatile.Read(ref _statusCode);

    internal void SetStatus(int status) => Volatile.Write(ref _statusCode, status);
}
