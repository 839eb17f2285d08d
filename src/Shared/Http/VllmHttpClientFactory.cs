namespace Connectors.Vllm.Http;

/// <summary>
/// Where every component gets its <see cref="HttpClient"/>: one with the private-network gate
/// (checked on the connected address), the connect timeout and no redirects, unless the caller
/// passed their own client (which keeps the gate only when built on <see cref="VllmHttpHandler.CreatePrimaryHandler"/>).
/// </summary>
internal static class VllmHttpClientFactory
{
    /// <summary>The caller's client when given, else a new one on <see cref="CreateHandler"/>.</summary>
    public static HttpClient Create(VllmProviderOptions options, HttpClient? supplied)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (supplied is not null)
        {
            return supplied;
        }

        return new HttpClient(CreateHandler(options), disposeHandler: true)
        {
            // Per-phase timeouts (first byte, idle between chunks) are enforced by the callers.
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>The primary handler: private-network gate at connect time, connect timeout, no redirects.</summary>
    public static SocketsHttpHandler CreateHandler(VllmProviderOptions options) => VllmHttpHandler.CreatePrimaryHandler(options);
}
