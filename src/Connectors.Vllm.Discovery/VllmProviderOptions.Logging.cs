namespace Connectors.Vllm;

public sealed partial class VllmProviderOptions
{
    /// <summary>Gets or sets where Connectors.Vllm logs; <see langword="null"/> (the default) for nowhere.</summary>
    /// <remarks>
    /// <para>Our own events go to the category <c>Connectors.Vllm</c>: retries (Warning), discovered models
    /// (Information), a failed discovery, a refused private-network address, a stalled stream, a FirstByteTimeout
    /// shorter than StreamIdleTimeout (Warning), an unknown
    /// server version and the reranker's switch to <c>/score</c> (Information), the server version and health probe
    /// results (Debug). The OpenAI SDK's request/response log (System.ClientModel: method, URL, status, timing) uses
    /// the same factory; its header values are redacted except for a short allow-list, and bodies are never logged.
    /// Neither ever contains the API key, header values, prompts or answers.</para>
    /// <para>Not read from configuration. <c>AddVllmChatClient</c>, <c>AddVllmEmbeddingGenerator</c>, the Semantic
    /// Kernel registrations and <c>AddVllm</c> (health checks) use the container's <see cref="ILoggerFactory"/> when this
    /// is <see langword="null"/>.</para>
    /// </remarks>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Creates a copy of these options that can be changed without changing this instance: <see cref="Headers"/>,
    /// <see cref="Models"/> and <see cref="Retry"/> are new containers (the model entries themselves are shared, as in
    /// <c>ChatOptions.Clone</c>); <see cref="LoggerFactory"/> is the same factory.</summary>
    /// <returns>The copy.</returns>
    /// <remarks>Useful to derive per-registration options from one configured instance, for example with another
    /// <see cref="LoggerFactory"/> or <see cref="BaseUrl"/>.</remarks>
    public VllmProviderOptions Clone()
    {
        var copy = (VllmProviderOptions)MemberwiseClone();
        copy.Headers = new Dictionary<string, string>(Headers, StringComparer.OrdinalIgnoreCase);
        copy.Models = new List<VllmModelDefinition>(Models);
        copy.Retry = Retry?.Copy()!;
        return copy;
    }
}
