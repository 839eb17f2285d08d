using OpenAI;

namespace Connectors.Vllm.Pipeline;

/// <summary>
/// Builds the OpenAI SDK client chat and embeddings talk through: endpoint = <c>BaseUrl</c>, the pipeline pieces of the
/// component's <see cref="VllmTransport"/> (gated HttpClient, <see cref="VllmRetryPolicy"/> in place of the SDK's, timeouts
/// under our control), and <see cref="VllmPayloadPolicy"/> before the transport.
/// </summary>
internal static class VllmOpenAIClientFactory
{
    /// <summary>The credential used when no key is configured. The SDK requires one; <see cref="VllmPayloadPolicy"/>
    /// removes the resulting <c>Authorization</c> header so it never leaves the process.</summary>
    internal const string PlaceholderApiKey = "no-key-configured";

    /// <summary>Creates the OpenAI client on <paramref name="transport"/>'s pipeline pieces.</summary>
    /// <param name="transport">The component's transport (gate, retry policy, timeouts).</param>
    public static OpenAIClient Create(VllmTransport transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        return new OpenAIClient(CreateCredential(transport.Endpoint), CreateOptions(transport));
    }

    /// <summary>The credential: the configured key, or a placeholder that <see cref="VllmPayloadPolicy"/> strips.</summary>
    public static ApiKeyCredential CreateCredential(VllmEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return new ApiKeyCredential(endpoint.ApiKey ?? PlaceholderApiKey);
    }

    /// <summary>Creates the SDK options (exposed for components that build their own SDK sub-client): the transport's
    /// HttpClient, retry policy and timeout, and <see cref="VllmPayloadPolicy"/> before the transport.</summary>
    public static OpenAIClientOptions CreateOptions(VllmTransport transport)
    {
        ArgumentNullException.ThrowIfNull(transport);
        var options = new OpenAIClientOptions { Endpoint = transport.Endpoint.BaseUrl };
        transport.Configure(options);
        options.AddPolicy(new VllmPayloadPolicy(transport.Endpoint), PipelinePosition.BeforeTransport);
        return options;
    }
}
