namespace Connectors.Vllm.Pipeline;

/// <summary>
/// Where the per-call header settings of <see cref="ChatOptions"/> and <see cref="EmbeddingGenerationOptions"/> live
/// (<c>WithRequestHeader</c>, <c>WithSessionId</c>, the llm-d helpers): two keys of <c>AdditionalProperties</c> that are
/// never sent as body fields, and the one reader that turns them and the <c>request_id</c> field into the call's
/// <see cref="VllmRequestHeaders"/>.
/// </summary>
/// <remarks>The header map is copied on every change, never changed in place: <c>ChatOptions.Clone()</c> copies
/// <c>AdditionalProperties</c> shallowly, so an in-place change would leak into the options it was cloned from.</remarks>
internal static class VllmCallHeaders
{
    /// <summary>The <c>AdditionalProperties</c> key of the per-request headers (a name → value map).</summary>
    public const string HeadersKey = "vllm.request_headers";

    /// <summary>The <c>AdditionalProperties</c> key of the session id.</summary>
    public const string SessionKey = "vllm.session_id";

    /// <summary>The <c>request_id</c> key of the chat and embedding extras (a body field; also sent as <c>X-Request-Id</c>).</summary>
    public const string RequestIdKey = "request_id";

    /// <summary>The keys this class owns, which the unknown-key report must not name.</summary>
    public static readonly string[] Keys = [HeadersKey, SessionKey];

    /// <summary>Sets one header in <paramref name="properties"/>' header map (a new map; the old one is left as it was).</summary>
    public static void SetHeader(AdditionalPropertiesDictionary properties, string name, string value)
        => properties[HeadersKey] = VllmRequestHeaders.With(properties.TryGetValue(HeadersKey, out var existing) ? existing as IReadOnlyDictionary<string, string> : null, name, value);

    /// <summary>The call's headers from a per-request header map of our own options types (a new request id each time).</summary>
    public static VllmRequestHeaders For(IReadOnlyDictionary<string, string>? headers)
        => VllmRequestHeaders.Create(headers: headers is null ? null : [.. headers]);

    /// <summary>The call's headers: request id (<c>request_id</c>, else an <c>X-Request-Id</c> header, else new), session
    /// id and per-request headers.</summary>
    public static VllmRequestHeaders For(AdditionalPropertiesDictionary? properties)
    {
        if (properties is not { Count: > 0 })
        {
            return VllmRequestHeaders.Create();
        }

        var requestId = properties.TryGetValue(RequestIdKey, out var id) ? id as string : null;
        var sessionId = properties.TryGetValue(SessionKey, out var session) ? session as string : null;
        KeyValuePair<string, string>[]? headers = null;
        if (properties.TryGetValue(HeadersKey, out var value) && value is IReadOnlyDictionary<string, string> map && map.Count > 0)
        {
            headers = [.. map];
        }

        return VllmRequestHeaders.Create(requestId, sessionId, headers);
    }
}
