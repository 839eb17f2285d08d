namespace Connectors.Vllm.Http;

/// <summary>
/// The resolved, immutable view of <see cref="VllmProviderOptions"/> that every component uses to
/// make calls: <c>${NAME}</c> already expanded, headers copied. Built once per client.
/// </summary>
internal sealed class VllmEndpoint
{
    /// <summary>The <c>Authorization</c> value, made once rather than on every request.</summary>
    private readonly string? _authorization;

    private VllmEndpoint(VllmProviderOptions options, string? apiKey, KeyValuePair<string, string>[] headers)
    {
        Options = options;
        BaseUrl = options.BaseUrl;
        ApiKey = apiKey;
        _authorization = apiKey is null ? null : "Bearer " + apiKey;
        Headers = headers;
        Logger = Diagnostics.VllmLog.For(options);
        SessionHeaderName = string.IsNullOrWhiteSpace(options.SessionHeaderName) ? VllmProviderOptions.DefaultSessionHeaderName : options.SessionHeaderName;
        StickySessions = string.IsNullOrWhiteSpace(options.StickyResponseHeader)
            ? null
            : new VllmStickySessions(VllmStickySessions.SplitHeaderNames(options.StickyResponseHeader));
        SettingsPrefix = VllmSettingKey.Prefix(options);
    }

    public VllmProviderOptions Options { get; }

    /// <summary>The prefix of this endpoint's configuration keys in error hints (<see cref="VllmSettingKey.Prefix"/>).</summary>
    public string SettingsPrefix { get; }

    /// <summary>The full configuration key of setting <paramref name="name"/>, for an error hint.</summary>
    public string Setting(string name) => SettingsPrefix + name;

    public Uri BaseUrl { get; }

    /// <summary>The expanded API key; never logged or put into a message.</summary>
    public string? ApiKey { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The header a session id travels in (<see cref="VllmProviderOptions.SessionHeaderName"/>).</summary>
    public string SessionHeaderName { get; }

    /// <summary>The router's response headers (<see cref="VllmProviderOptions.StickyResponseHeader"/>, split once here) and
    /// their values captured per session id, or <see langword="null"/> when none is configured.</summary>
    public VllmStickySessions? StickySessions { get; }

    /// <summary>Where this endpoint's events are logged (<see cref="VllmProviderOptions.LoggerFactory"/>, or nowhere).</summary>
    public Microsoft.Extensions.Logging.ILogger Logger { get; }

    /// <summary>Resolves <c>${NAME}</c> in the key and header values from the environment.</summary>
    /// <exception cref="VllmException">A referenced environment variable is not set.</exception>
    public static VllmEndpoint Resolve(VllmProviderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var apiKey = Sendable(VllmEnvironment.Expand(options.ApiKey, options.GetSettingKey(nameof(VllmProviderOptions.ApiKey))), options, nameof(VllmProviderOptions.ApiKey));
        if (string.IsNullOrEmpty(apiKey))
        {
            apiKey = null;
        }

        var headers = new List<KeyValuePair<string, string>>(options.Headers.Count);
        foreach (var (name, value) in options.Headers)
        {
            headers.Add(new(name, Sendable(VllmEnvironment.Expand(value, options.GetSettingKey($"Headers:{name}")), options, $"Headers:{name}") ?? string.Empty));
        }

        return new VllmEndpoint(options, apiKey, headers.ToArray());
    }

    /// <summary>A key or header value after <c>${NAME}</c> expansion, checked the way <see cref="VllmProviderOptions.Validate"/>
    /// checks the literal: a value from the environment must be sendable too. The value itself is never shown.</summary>
    /// <exception cref="VllmException">The value cannot be sent as a header value.</exception>
    private static string? Sendable(string? value, VllmProviderOptions options, string setting)
        => value is null || VllmRequestHeaders.IsValidValue(value)
            ? value
            : throw new VllmException($"Configuration error in {options.GetSettingKey(setting)}: the value (after ${{NAME}} expansion) must be {VllmRequestHeaders.ValueRule}.");

    /// <summary>Absolute URL of a path under the base URL (<c>"models"</c> → <c>{BaseUrl}/models</c>).</summary>
    public Uri Under(string relative) => new(Errors.VllmErrors.Combine(BaseUrl, relative));

    /// <summary>Absolute URL of a path at the server root (<c>"/health"</c>, <c>"/tokenize"</c>), which vLLM does not put under /v1.</summary>
    public Uri AtRoot(string path)
    {
        var basePath = BaseUrl.AbsolutePath.TrimEnd('/');
        if (basePath.EndsWith("/v1", StringComparison.OrdinalIgnoreCase))
        {
            basePath = basePath[..^3];
        }

        return new UriBuilder(BaseUrl) { Path = basePath + path, Query = string.Empty }.Uri;
    }

    /// <summary>Sets the headers every request carries, on every path (our transport and the OpenAI SDK's pipeline), after
    /// the call's own (<see cref="VllmRequestHeaders"/>, already on the request): this library's <c>User-Agent</c>, the key as
    /// <c>Authorization: Bearer</c> (the only form vLLM reads), the configured headers where the call set none of that name
    /// (a configured <c>User-Agent</c> replaces ours; a configured <c>Authorization</c> is ignored, the key travels only as
    /// ApiKey), the session's captured <see cref="StickySessions"/> values (each under its own header, where the call set none of
    /// that name: a value the caller gives with <c>WithRequestHeader</c> wins), and an <c>X-Request-Id</c> when the call has none.
    /// Runs on every attempt; a retry keeps the request's headers, so its id and its session tokens stay those of the first attempt.</summary>
    public void ApplyHeaders(PipelineRequestHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        headers.Set("User-Agent", VllmUserAgent.Value);
        if (_authorization is not null)
        {
            headers.Set("Authorization", _authorization);
        }

        foreach (var (name, value) in Headers)
        {
            if (string.Equals(name, "User-Agent", StringComparison.OrdinalIgnoreCase))
            {
                headers.Set(name, value);
            }
            else if (!string.Equals(name, "Authorization", StringComparison.OrdinalIgnoreCase) && !headers.TryGetValue(name, out _))
            {
                headers.Set(name, value);
            }
        }

        if (StickySessions is { } sticky && headers.TryGetValue(SessionHeaderName, out var session) && !string.IsNullOrEmpty(session)
            && sticky.Get(session) is { } values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                if (values[i] is { } value && !headers.TryGetValue(sticky.HeaderNames[i], out _))
                {
                    headers.Set(sticky.HeaderNames[i], value);
                }
            }
        }

        if (!headers.TryGetValue(VllmRequestHeaders.RequestIdName, out _))
        {
            headers.Set(VllmRequestHeaders.RequestIdName, VllmRequestHeaders.NewRequestId());
        }
    }

    /// <summary>Remembers each of the <see cref="StickySessions"/> headers a response carries for the request's session id
    /// (when it has one), so that the session's next requests send them back; a header the response lacks keeps its value.</summary>
    public void Observe(PipelineMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (StickySessions is not { } sticky || message.Response is not { } response
            || !message.Request.Headers.TryGetValue(SessionHeaderName, out var session) || string.IsNullOrEmpty(session))
        {
            return;
        }

        for (var i = 0; i < sticky.HeaderNames.Count; i++)
        {
            if (response.Headers.TryGetValue(sticky.HeaderNames[i], out var value) && !string.IsNullOrEmpty(value))
            {
                sticky.Set(session, i, value);
            }
        }
    }
}
