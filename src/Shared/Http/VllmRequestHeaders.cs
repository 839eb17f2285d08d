using System.Buffers;

namespace Connectors.Vllm.Http;

/// <summary>
/// The headers of one call, on top of the client's own (<see cref="VllmEndpoint.ApplyHeaders"/>): the caller's per-request
/// headers (<c>WithRequestHeader</c>), the session id under <see cref="VllmProviderOptions.SessionHeaderName"/>, and the
/// request id as <c>X-Request-Id</c> (the caller's, else a new one), which routers and vLLM log and echo. Made once per call,
/// before the first attempt, so every retry carries the same id.
/// </summary>
/// <remarks>Immutable. Values are never logged.</remarks>
internal sealed class VllmRequestHeaders
{
    /// <summary>The request-id header: vLLM makes it its request id; production-stack, vllm-router and vLLM (with
    /// <c>--enable-request-id-headers</c>) send it back.</summary>
    public const string RequestIdName = "X-Request-Id";

    /// <summary>The response header with which llm-d's endpoint picker says why it dropped a request
    /// (llm-d/llm-d-router, <c>pkg/common/error</c>: <c>rejected-saturated</c>, <c>rejected-no-endpoints</c>, <c>evicted</c>, …).</summary>
    public const string DroppedReasonName = "x-llm-d-request-dropped-reason";

    private static readonly KeyValuePair<string, string>[] NoHeaders = [];

    private VllmRequestHeaders(string requestId, string? sessionId, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        RequestId = requestId;
        SessionId = sessionId;
        Headers = headers;
    }

    /// <summary>Gets the id sent as <c>X-Request-Id</c>.</summary>
    public string RequestId { get; }

    /// <summary>Gets the session id sent under <see cref="VllmProviderOptions.SessionHeaderName"/>, or <see langword="null"/>.</summary>
    public string? SessionId { get; }

    /// <summary>Gets the caller's per-request headers (already checked by <see cref="CheckHeader"/>).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>A new request id: 32 lower-case hex digits (128 random bits), the form production-stack and vLLM make
    /// themselves (<c>uuid4().hex</c>).</summary>
    /// <remarks>From <see cref="Random.Shared"/>, not <see cref="Guid.NewGuid"/>: an id must be unique, not secret, and the
    /// shared generator (seeded from the OS once per process) costs no system call per request.</remarks>
    public static string NewRequestId() => string.Create(32, 0, static (chars, _) =>
    {
        Span<byte> bits = stackalloc byte[16];
        Random.Shared.NextBytes(bits);
        for (var i = 0; i < bits.Length; i++)
        {
            chars[2 * i] = HexDigits[bits[i] >> 4];
            chars[(2 * i) + 1] = HexDigits[bits[i] & 0xF];
        }
    });

    private const string HexDigits = "0123456789abcdef";

    /// <summary>The headers of one call.</summary>
    /// <param name="requestId">The caller's request id, or <see langword="null"/>: then an <c>X-Request-Id</c> among
    /// <paramref name="headers"/>, else a new one.</param>
    /// <param name="sessionId">The session id, or <see langword="null"/>.</param>
    /// <param name="headers">The caller's per-request headers, or <see langword="null"/>.</param>
    public static VllmRequestHeaders Create(string? requestId = null, string? sessionId = null, IReadOnlyList<KeyValuePair<string, string>>? headers = null)
    {
        headers ??= NoHeaders;
        if (string.IsNullOrEmpty(requestId))
        {
            foreach (var (name, value) in headers)
            {
                if (string.Equals(name, RequestIdName, StringComparison.OrdinalIgnoreCase) && value.Length > 0)
                {
                    requestId = value;
                }
            }
        }

        return new VllmRequestHeaders(string.IsNullOrEmpty(requestId) ? NewRequestId() : requestId, string.IsNullOrEmpty(sessionId) ? null : sessionId, headers);
    }

    /// <summary>This call's headers derived for one of several requests it sends (an embeddings batch): the same headers,
    /// the request id suffixed <c>-</c><paramref name="index"/>, so that no two requests in flight share an id.</summary>
    public VllmRequestHeaders ForPart(int index) => index == 0 ? this : new VllmRequestHeaders($"{RequestId}-{index}", SessionId, Headers);

    /// <summary>Puts these headers on a request of the OpenAI SDK pipeline (applied before any policy runs, so
    /// <see cref="VllmEndpoint.ApplyHeaders"/> sees them and adds the client's headers only where these set none).</summary>
    public void AddTo(RequestOptions options, VllmEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(options);
        Each(endpoint, options, static (o, name, value) => o.SetHeader(name, value));
    }

    /// <summary>Puts these headers on a request of our own transport.</summary>
    public void AddTo(PipelineRequestHeaders headers, VllmEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(headers);
        Each(endpoint, headers, static (h, name, value) => h.Set(name, value));
    }

    /// <summary>Every header of this call in turn: the per-request ones, the session id under the endpoint's session header,
    /// the request id (indexed and with a static callback: every request pays for this, so no iterator or closure).</summary>
    private void Each<TTarget>(VllmEndpoint endpoint, TTarget target, Action<TTarget, string, string> set)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        for (var i = 0; i < Headers.Count; i++)
        {
            set(target, Headers[i].Key, Headers[i].Value);
        }

        if (SessionId is not null)
        {
            set(target, endpoint.SessionHeaderName, SessionId);
        }

        set(target, RequestIdName, RequestId);
    }

    /// <summary>The request id to report for a response: the one the server or router sent back in <c>X-Request-Id</c>,
    /// else <paramref name="sent"/>.</summary>
    public static string? ReportedId(PipelineResponse? response, string? sent)
        => response is not null && response.Headers.TryGetValue(RequestIdName, out var echoed) && !string.IsNullOrEmpty(echoed) ? echoed : sent;

    /// <summary>llm-d's <c>x-llm-d-request-dropped-reason</c> of <paramref name="response"/>, or <see langword="null"/>.</summary>
    public static string? DroppedReason(PipelineResponse? response)
        => response is not null && response.Headers.TryGetValue(DroppedReasonName, out var reason) && !string.IsNullOrEmpty(reason) ? reason : null;

    /// <summary>A copy of <paramref name="headers"/> with <paramref name="name"/> set to <paramref name="value"/> (checked by
    /// <see cref="CheckHeader"/>): per-request header maps are copied on change, never changed in place, so options that
    /// share a map (a clone) do not see each other's changes.</summary>
    public static IReadOnlyDictionary<string, string> With(IReadOnlyDictionary<string, string>? headers, string name, string value)
    {
        CheckHeader(name, value);
        var copy = headers is null
            ? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase);
        copy[name] = value;
        return copy;
    }

    /// <summary>What a header name may hold, for messages.</summary>
    public const string NameRule = "letters, digits and !#$%&'*+-.^_`|~ only";

    /// <summary>The characters of an HTTP field name (RFC 9110 §5.1: a token — ASCII letters, digits and
    /// <c>!#$%&amp;'*+-.^_`|~</c>).</summary>
    private static readonly SearchValues<char> NameChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>What a header value may hold, for messages.</summary>
    public const string ValueRule = "printable ASCII: no line breaks, other control characters or non-ASCII letters (.NET sends header values as ASCII)";

    /// <summary>The characters a header value may hold: printable ASCII, space and tab (HTTP allows more, but .NET's
    /// handler refuses anything outside ASCII at send time, which would surface as an unreachable server).</summary>
    private static readonly SearchValues<char> ValueChars = SearchValues.Create(
        "\t !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");

    /// <summary>Whether <paramref name="value"/> can be sent as a header value (see <see cref="ValueRule"/>): the one rule
    /// for the key, configured headers, per-request headers and session ids.</summary>
    public static bool IsValidValue(string value) => value.AsSpan().IndexOfAnyExcept(ValueChars) < 0;

    /// <summary>Whether <paramref name="name"/> is a header name HTTP allows, so that a setting is refused when it is read
    /// instead of a request failing when the header is added (the one rule for configured, per-request, session and sticky
    /// header names).</summary>
    public static bool IsValidName(string? name) => !string.IsNullOrEmpty(name) && name.AsSpan().IndexOfAnyExcept(NameChars) < 0;

    /// <summary>Checks one per-request header: a valid name and a value without line breaks; <c>Authorization</c> and
    /// <c>User-Agent</c> refused (the key travels only as ApiKey; the client names itself), as for
    /// <see cref="VllmProviderOptions.Headers"/>.</summary>
    /// <exception cref="ArgumentException">The name or value is not allowed; the message says what to use instead.</exception>
    public static void CheckHeader(string name, string value, string nameParameter = "name", string valueParameter = "value")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name, nameParameter);
        ArgumentNullException.ThrowIfNull(value, valueParameter);
        if (!IsValidName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid header name ({NameRule}).", nameParameter);
        }

        if (string.Equals(name, "Authorization", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("Authorization cannot be set per request: set VllmProviderOptions.ApiKey (Vllm:ApiKey); the key is sent only as Authorization: Bearer.", nameParameter);
        }

        if (string.Equals(name, "User-Agent", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("User-Agent cannot be set per request: set VllmProviderOptions.Headers[\"User-Agent\"] (Vllm:Headers:User-Agent).", nameParameter);
        }

        if (!IsValidValue(value))
        {
            throw new ArgumentException($"The value of header '{name}' must be {ValueRule}.", valueParameter);
        }
    }
}
