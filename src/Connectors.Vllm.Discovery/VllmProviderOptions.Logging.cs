using Microsoft.Extensions.Logging;

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

    /// <summary>These options, or a shallow copy with <paramref name="loggerFactory"/> when none is set (the caller's
    /// instance is never changed).</summary>
    internal VllmProviderOptions WithLoggerFactory(ILoggerFactory? loggerFactory)
    {
        if (LoggerFactory is not null || loggerFactory is null)
        {
            return this;
        }

        var copy = (VllmProviderOptions)MemberwiseClone();
        copy.LoggerFactory = loggerFactory;
        return copy;
    }
}
