namespace Connectors.Vllm.Testing;

/// <summary>One request as the test server received it, for assertions.</summary>
public sealed class RecordedRequest
{
    private int _statusCode;
    private int _aborted;

    internal RecordedRequest(string method, string path, string queryString, IReadOnlyDictionary<string, string> headers, byte[] body)
    {
        Method = method;
        Path = path;
        QueryString = queryString;
        Headers = headers;
        BodyBytes = body;
        Body = Encoding.UTF8.GetString(body);
        Timestamp = DateTimeOffset.UtcNow;
    }

    /// <summary>Gets the HTTP method.</summary>
    public string Method { get; }

    /// <summary>Gets the path, for example <c>/v1/chat/completions</c>.</summary>
    public string Path { get; }

    /// <summary>Gets the query string including the leading <c>?</c>, or an empty string.</summary>
    public string QueryString { get; }

    /// <summary>Gets the request headers (case-insensitive names; repeated headers joined with <c>, </c>).</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Gets the raw body as UTF-8 text (empty when there was none).</summary>
    public string Body { get; }

    /// <summary>Gets the raw body bytes.</summary>
    public ReadOnlyMemory<byte> BodyBytes { get; }

    /// <summary>Gets when the request arrived.</summary>
    public DateTimeOffset Timestamp { get; }

    /// <summary>Gets the status code the server answered with (0 until the response headers were sent).</summary>
    public int StatusCode => Volatile.Read(ref _statusCode);

    /// <summary>Gets a value indicating whether the client went away before the response was complete.</summary>
    public bool Aborted => Volatile.Read(ref _aborted) != 0;

    /// <summary>Gets the fault injected into this request, if any.</summary>
    public VllmTestFaultKind? Fault { get; internal set; }

    internal void SetStatus(int status) => Volatile.Write(ref _statusCode, status);

    internal bool MarkAborted() => Interlocked.Exchange(ref _aborted, 1) == 0;
}
