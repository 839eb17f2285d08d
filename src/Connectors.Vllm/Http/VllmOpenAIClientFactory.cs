using System;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.Http;
using OpenAI;

namespace Connectors.Vllm.Http;

/// <summary>
/// Builds the OpenAI SDK client every Connectors.Vllm component talks through: endpoint = <c>BaseUrl</c>,
/// transport = the <see cref="HttpClient"/> from <see cref="VllmHttpClientFactory"/> (private-network gate,
/// connect timeout), <see cref="VllmPayloadPolicy"/> before the transport, <see cref="VllmRetryPolicy"/> in
/// place of the SDK's retry policy, and timeouts under our control.
/// </summary>
internal static class VllmOpenAIClientFactory
{
    /// <summary>The credential used when no key is configured. The SDK requires one; <see cref="VllmPayloadPolicy"/>
    /// removes the resulting <c>Authorization</c> header so it never leaves the process.</summary>
    internal const string PlaceholderApiKey = "no-key-configured";

    /// <summary>Creates the OpenAI client.</summary>
    /// <param name="endpoint">The resolved endpoint.</param>
    /// <param name="httpClient">The caller's client, or <see langword="null"/> for one from <see cref="VllmHttpClientFactory"/>.</param>
    /// <param name="ownedHttpClient">The client this call created (the caller disposes it), or <see langword="null"/>.</param>
    public static OpenAIClient Create(VllmEndpoint endpoint, HttpClient? httpClient, out HttpClient? ownedHttpClient)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var options = CreateOptions(endpoint, httpClient, out ownedHttpClient);
        return new OpenAIClient(CreateCredential(endpoint), options);
    }

    /// <summary>The credential: the configured key, or a placeholder that <see cref="VllmPayloadPolicy"/> strips.</summary>
    public static ApiKeyCredential CreateCredential(VllmEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return new ApiKeyCredential(endpoint.ApiKey ?? PlaceholderApiKey);
    }

    /// <summary>Creates the SDK options (exposed for components that build their own SDK sub-client).</summary>
    public static OpenAIClientOptions CreateOptions(VllmEndpoint endpoint, HttpClient? httpClient, out HttpClient? ownedHttpClient)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        var http = VllmHttpClientFactory.Create(endpoint.Options, httpClient);
        ownedHttpClient = ReferenceEquals(http, httpClient) ? null : http;

        var options = new OpenAIClientOptions
        {
            Endpoint = endpoint.BaseUrl,
            Transport = new HttpClientPipelineTransport(http),
            RetryPolicy = new VllmRetryPolicy(endpoint.Options),

            // Our retry policy sets each attempt's timeout (FirstByteTimeout); the stream reader enforces
            // StreamIdleTimeout between chunks. The SDK's 100 s default would cut long generations.
            NetworkTimeout = endpoint.Options.FirstByteTimeout > TimeSpan.Zero ? endpoint.Options.FirstByteTimeout : System.Threading.Timeout.InfiniteTimeSpan,
        };
        if (endpoint.Options.LoggerFactory is { } loggerFactory)
        {
            // The SDK's own request/response log (System.ClientModel): method, URL, status, timing; header values
            // redacted outside its allow-list; bodies off (they hold prompts and answers).
            options.ClientLoggingOptions = new ClientLoggingOptions { LoggerFactory = loggerFactory, EnableMessageContentLogging = false };
        }

        options.AddPolicy(new VllmPayloadPolicy(endpoint), PipelinePosition.BeforeTransport);
        return options;
    }
}
