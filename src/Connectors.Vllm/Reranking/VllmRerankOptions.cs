namespace Connectors.Vllm;

/// <summary>Options for one <see cref="VllmReranker"/> call; unset values keep vLLM's defaults.</summary>
public sealed class VllmRerankOptions
{
    /// <summary>Gets or sets the reranking (cross-encoder or embedding) model; <see langword="null"/> uses the reranker's default.</summary>
    public string? ModelId { get; set; }

    /// <summary>Gets or sets how many of the best results to return; <see langword="null"/> (or 0) returns all.</summary>
    public int? TopN { get; set; }

    /// <summary>Gets or sets the token count each query/document pair is truncated to (vLLM's <c>truncate_prompt_tokens</c>;
    /// -1 means the model's maximum). Without it, a pair longer than the context window is a 400.</summary>
    public int? TruncatePromptTokens { get; set; }

    /// <summary>Gets or sets whether the model's activation (sigmoid/softmax) is applied to the scores (vLLM's <c>use_activation</c>).</summary>
    public bool? UseActivation { get; set; }

    /// <summary>Gets or sets the request priority (vLLM's <c>priority</c>; lower is served earlier with priority scheduling).</summary>
    public int? Priority { get; set; }

    /// <summary>Gets or sets which route is called. Default <see cref="VllmRerankRoute.Auto"/>.</summary>
    public VllmRerankRoute Route { get; set; }
    /// <summary>Adds a header to this call's request (for example a router's routing or tenant header); a later call with the
    /// same name replaces the value. <c>X-Request-Id</c> given here becomes the request id.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The value (never logged).</param>
    /// <returns>These options, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, not a header name, <c>Authorization</c> (set
    /// VllmProviderOptions.ApiKey) or <c>User-Agent</c> (set VllmProviderOptions.Headers), or <paramref name="value"/> has a line break.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="value"/> is <see langword="null"/>.</exception>
    public VllmRerankOptions WithRequestHeader(string name, string value)
    {
        RequestHeaders = Connectors.Vllm.Http.VllmRequestHeaders.With(RequestHeaders, name, value);
        return this;
    }

    /// <summary>The headers set with <see cref="WithRequestHeader"/> (copied on change), or <see langword="null"/>.</summary>
    internal System.Collections.Generic.IReadOnlyDictionary<string, string>? RequestHeaders { get; private set; }

    /// <summary>This call's headers (a new request id each time it is asked).</summary>
    internal Connectors.Vllm.Http.VllmRequestHeaders CallHeaders() => Pipeline.VllmCallHeaders.For(RequestHeaders);
}
