namespace Connectors.Vllm;

/// <summary>
/// Everything needed to reach one vLLM (or other OpenAI-compatible) server: where it is, how to
/// authenticate, which models it serves, and the safety limits applied to every call.
/// </summary>
/// <remarks>
/// <para>Binds from the <c>"Vllm"</c> configuration section (see the project's docs/configuration.md).
/// When <see cref="Models"/> is empty the models are discovered from <c>GET {BaseUrl}/models</c>.</para>
/// <para>Security defaults: private, loopback and link-local addresses are refused unless
/// <see cref="AllowPrivateNetwork"/> is true, with one exception: the documented default
/// <see cref="BaseUrl"/> (<c>http://127.0.0.1:8000/v1</c>, also written <c>http://localhost:8000/v1</c> or
/// <c>http://[::1]:8000/v1</c>) counts as approved for loopback addresses.</para>
/// <para>Instances are read when a client is built; change them before, not after.</para>
/// </remarks>
public sealed partial class VllmProviderOptions
{
    /// <summary>The documented default base URL: a vLLM started with <c>vllm serve</c> on this machine.</summary>
    public static readonly Uri DefaultBaseUrl = new("http://127.0.0.1:8000/v1");

    /// <summary>The only supported value of <see cref="Api"/>.</summary>
    public const string OpenAICompletionsApi = "openai-completions";

    /// <summary>Gets or sets the server's OpenAI-compatible base URL, ending in <c>/v1</c>. Default <c>http://127.0.0.1:8000/v1</c>.</summary>
    public Uri BaseUrl { get; set; } = DefaultBaseUrl;

    /// <summary>Gets or sets the API key (vLLM's <c>--api-key</c>), sent only as <c>Authorization: Bearer</c>; <see langword="null"/> for none.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the wire API. Only <c>"openai-completions"</c> is supported.</summary>
    public string Api { get; set; } = OpenAICompletionsApi;

    /// <summary>Gets or sets whether loopback, LAN and other private-range addresses may be contacted.</summary>
    public bool AllowPrivateNetwork { get; set; }

    /// <summary>Gets extra headers sent with every request (values may use <c>${NAME}</c>).</summary>
    public IDictionary<string, string> Headers { get; set; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The default of <see cref="SessionHeaderName"/>: <c>X-Session-ID</c>, which vLLM, vllm-router, llm-d and Ray Serve read.</summary>
    public const string DefaultSessionHeaderName = "X-Session-ID";

    /// <summary>Gets or sets the header a session id (<c>ChatOptions.WithSessionId</c>) is sent in, so that a router sends a
    /// session's requests to the same replica. Default <c>X-Session-ID</c>; behind vLLM's production-stack router set it to
    /// the router's <c>--session-key</c> (for example <c>x-user-id</c>).</summary>
    public string SessionHeaderName { get; set; } = DefaultSessionHeaderName;

    /// <summary>Gets or sets the response headers that a router uses to pin a session: one header name (llm-d's
    /// <c>x-session-token</c>), or several separated by commas (llm-d with prefill/decode disaggregation:
    /// <c>"x-session-token,x-session-token-prefill"</c>, the decode and the prefill pod). Each header's value is captured per
    /// session id and sent back, under its own name, on that session's later requests; a response that carries only some
    /// of the headers updates only those, and the others keep their last value; a value the call sets itself
    /// (<c>WithRequestHeader</c> with the same name) is sent instead, for that call. <see langword="null"/> (the default) for
    /// none. At most 10,000 sessions are remembered per client (the least recently used is forgotten first, with all its
    /// values).</summary>
    /// <remarks>The same comma-separated text in code, JSON configuration and environment variables; whitespace around a
    /// name is ignored. An empty entry, a name listed twice (in any case), an invalid or a reserved name
    /// (<c>Authorization</c>, <c>User-Agent</c>, <c>X-Request-Id</c>, <c>Content-Type</c>), and the <see cref="SessionHeaderName"/>
    /// itself fail <see cref="Validate"/>.</remarks>
    public string? StickyResponseHeader { get; set; }

    /// <summary>Gets the explicitly configured models; empty means "discover them from the server".</summary>
    public IList<VllmModelDefinition> Models { get; set; } = new List<VllmModelDefinition>();

    /// <summary>Gets or sets the time allowed to open a connection. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the time allowed until the response headers arrive (for a stream: the first byte). Default 300 s.</summary>
    public TimeSpan FirstByteTimeout { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>Gets or sets the longest silence allowed between two chunks of a stream. Default 60 s.</summary>
    public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets how failed requests are retried.</summary>
    public VllmRetryOptions Retry { get; set; } = new();

    /// <summary>Gets or sets the longest accepted server-sent-events line, in bytes. Default 4 MiB.</summary>
    public int MaxSseLineBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Gets or sets the largest accepted non-streaming response body, in bytes. Default 64 MiB.</summary>
    public long MaxResponseBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Gets or sets the most inline media (the bytes of every <c>DataContent</c> image, audio and video, before
    /// base64) one chat or <c>/tokenize</c> request may carry; a request over it is refused before anything is written
    /// or sent. Default 32 MiB. Larger media: send a URL (<c>UriContent</c>) the server fetches.</summary>
    public long MaxInlineMediaBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Gets or sets the largest accepted <c>/v1/models</c> body, in bytes. Default 4 MiB.</summary>
    public int MaxModelsBodyBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Gets or sets whether a message's author (<c>ChatMessage.AuthorName</c>, which Agent Framework fills on every
    /// reply) is sent as the message's <c>name</c>. Default <see langword="true"/>. Set it to <see langword="false"/> for a
    /// server that rejects <c>name</c> (vLLM with <c>--tokenizer-mode mistral</c>: "Extra inputs are not permitted").</summary>
    public bool SendMessageNames { get; set; } = true;

    /// <summary>Gets or sets how long discovered models and server info are cached. Default 5 minutes.</summary>
    public TimeSpan DiscoveryCacheTtl { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Gets or sets what a chat client does when a request had tools and the answer carries tool-call markup as
    /// text that the server did not parse. Default <see cref="VllmToolCallRecovery.Warn"/>.</summary>
    public VllmToolCallRecovery ToolCallRecovery { get; set; } = VllmToolCallRecovery.Warn;

    /// <inheritdoc />
    public override string ToString()
        => $"VllmProviderOptions {{ BaseUrl = {BaseUrl}, ApiKey = {(string.IsNullOrEmpty(ApiKey) ? "(none)" : "***")}, Models = {Models.Count}, AllowPrivateNetwork = {AllowPrivateNetwork} }}";
}
