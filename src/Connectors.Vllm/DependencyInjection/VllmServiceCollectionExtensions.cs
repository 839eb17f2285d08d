using Connectors.Vllm;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers vLLM chat clients and embedding generators with Microsoft.Extensions.AI's dependency
/// injection builders, so middleware can be chained
/// (<c>.UseFunctionInvocation().UseOpenTelemetry().UseLogging()</c>).
/// </summary>
/// <remarks>
/// <para>Each registration gets a named <see cref="HttpClient"/> from <see cref="IHttpClientFactory"/>
/// (<see cref="ChatHttpClientName"/> / <see cref="EmbeddingHttpClientName"/>, with <c>":" + key</c> for keyed
/// registrations) whose primary handler carries the private-network gate. Handlers the caller adds to that name
/// (<c>services.AddHttpClient(name).AddHttpMessageHandler(…)</c>) or to all clients
/// (<c>services.ConfigureHttpClientDefaults(…)</c>) apply too. When adding
/// Microsoft.Extensions.Http.Resilience handlers, set <see cref="VllmRetryOptions.MaxAttempts"/> to 1 so only one
/// layer retries.</para>
/// </remarks>
public static class VllmServiceCollectionExtensions
{
    /// <summary>The <see cref="IHttpClientFactory"/> name used by unkeyed chat clients.</summary>
    public const string ChatHttpClientName = "Connectors.Vllm.Chat";

    /// <summary>The <see cref="IHttpClientFactory"/> name used by unkeyed embedding generators.</summary>
    public const string EmbeddingHttpClientName = "Connectors.Vllm.Embeddings";

    /// <summary>The <see cref="IHttpClientFactory"/> name used by unkeyed speech-to-text clients.</summary>
    public const string SpeechToTextHttpClientName = "Connectors.Vllm.SpeechToText";

    /// <summary>Registers a vLLM <see cref="IChatClient"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="options">Where the server is and how to reach it.</param>
    /// <param name="modelId">The default model (<c>vllm/&lt;id&gt;</c> or <c>&lt;id&gt;</c>); <see langword="null"/> for the only served model.</param>
    /// <param name="lifetime">The service lifetime. Default singleton.</param>
    /// <returns>A builder to add middleware to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddVllmChatClient(this IServiceCollection services, VllmProviderOptions options, string? modelId = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var name = AddGatedHttpClient(services, ChatHttpClientName, null, options);
        return services.AddChatClient(sp => CreateChatClient(sp, name, options, modelId), lifetime);
    }

    /// <summary>Registers a vLLM <see cref="IChatClient"/> configured from the <c>"Vllm"</c> configuration section.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The <c>"Vllm"</c> section, or a configuration root that contains it.</param>
    /// <param name="modelId">The default model; <see langword="null"/> for the only served model.</param>
    /// <param name="lifetime">The service lifetime. Default singleton.</param>
    /// <returns>A builder to add middleware to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddVllmChatClient(this IServiceCollection services, IConfiguration configuration, string? modelId = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddVllmChatClient(Bind(configuration), modelId, lifetime);
    }

    /// <summary>Registers a keyed vLLM <see cref="IChatClient"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The service key.</param>
    /// <param name="options">Where the server is and how to reach it.</param>
    /// <param name="modelId">The default model; <see langword="null"/> for the only served model.</param>
    /// <param name="lifetime">The service lifetime. Default singleton.</param>
    /// <returns>A builder to add middleware to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/>, <paramref name="serviceKey"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddKeyedVllmChatClient(this IServiceCollection services, object serviceKey, VllmProviderOptions options, string? modelId = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(serviceKey);
        ArgumentNullException.ThrowIfNull(options);
        var name = AddGatedHttpClient(services, ChatHttpClientName, serviceKey, options);
        return services.AddKeyedChatClient(serviceKey, sp => CreateChatClient(sp, name, options, modelId), lifetime);
    }

    /// <summary>Registers a keyed vLLM <see cref="IChatClient"/> configured from the <c>"Vllm"</c> configuration section.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The service key.</param>
    /// <param name="configuration">The <c>"Vllm"</c> section, or a configuration root that contains it.</param>
    /// <param name="modelId">The default model; <see langword="null"/> for the only served model.</param>
    /// <param name="lifetime">The service lifetime. Default singleton.</param>
    /// <returns>A builder to add middleware to.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static ChatClientBuilder AddKeyedVllmChatClient(this IServiceCollection services, object serviceKey, IConfiguration configuration, string? modelId = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(serviceKey);
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddKeyedVllmChatClient(serviceKey, Bind(configuration), modelId, lifetime);
    }

    /// <summary>Registers a vLLM <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="options">Where the server is and how to reach it.</param>
    /// <param name="modelId">The default embedding model; <see langword="null"/> for the only served model.</param>
    /// <param name="lifetime">The service lifetime. Default singleton.</param>
    /// <returns>A builder to add middleware to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddVllmEmbeddingGenerator(this IServiceCollection services, VllmProviderOptions options, string? modelId = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var name = AddGatedHttpClient(services, EmbeddingHttpClientName, null, options);
        return services.AddEmbeddingGenerator(sp => CreateEmbeddingGenerator(sp, name, options, modelId), lifetime);
    }

    /// <summary>Registers a vLLM embedding generator configured from the <c>"Vllm"</c> configuration section.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The <c>"Vllm"</c> section, or a configuration root that contains it.</param>
    /// <param name="modelId">The default embedding model; <see langword="null"/> for the only served model.</param>
    /// <param name="lifetime">The service lifetime. Default singleton.</param>
    /// <returns>A builder to add middleware to.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddVllmEmbeddingGenerator(this IServiceCollection services, IConfiguration configuration, string? modelId = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddVllmEmbeddingGenerator(Bind(configuration), modelId, lifetime);
    }

    /// <summary>Registers a keyed vLLM embedding generator.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The service key.</param>
    /// <param name="options">Where the server is and how to reach it.</param>
    /// <param name="modelId">The default embedding model; <see langword="null"/> for the only served model.</param>
    /// <param name="lifetime">The service lifetime. Default singleton.</param>
    /// <returns>A builder to add middleware to.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddKeyedVllmEmbeddingGenerator(this IServiceCollection services, object serviceKey, VllmProviderOptions options, string? modelId = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(serviceKey);
        ArgumentNullException.ThrowIfNull(options);
        var name = AddGatedHttpClient(services, EmbeddingHttpClientName, serviceKey, options);
        return services.AddKeyedEmbeddingGenerator(serviceKey, sp => CreateEmbeddingGenerator(sp, name, options, modelId), lifetime);
    }

    /// <summary>Registers a keyed vLLM embedding generator configured from the <c>"Vllm"</c> configuration section.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="serviceKey">The service key.</param>
    /// <param name="configuration">The <c>"Vllm"</c> section, or a configuration root that contains it.</param>
    /// <param name="modelId">The default embedding model; <see langword="null"/> for the only served model.</param>
    /// <param name="lifetime">The service lifetime. Default singleton.</param>
    /// <returns>A builder to add middleware to.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddKeyedVllmEmbeddingGenerator(this IServiceCollection services, object serviceKey, IConfiguration configuration, string? modelId = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(serviceKey);
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddKeyedVllmEmbeddingGenerator(serviceKey, Bind(configuration), modelId, lifetime);
    }

    /// <summary>Registers a vLLM <see cref="ISpeechToTextClient"/> (<see cref="VllmSpeechToTextClient"/>: transcription and
    /// translation of audio by a Whisper-like model).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="options">Where the server is and how to reach it.</param>
    /// <param name="modelId">The default speech model (<c>vllm/&lt;id&gt;</c> or <c>&lt;id&gt;</c>); <see langword="null"/> for the
    /// server's first served model.</param>
    /// <param name="lifetime">The service lifetime. Default singleton.</param>
    /// <returns>A builder to add middleware to (<c>.UseLogging().UseOpenTelemetry()</c>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    [System.Diagnostics.CodeAnalysis.Experimental("MEAI001")]
    public static SpeechToTextClientBuilder AddVllmSpeechToTextClient(this IServiceCollection services, VllmProviderOptions options, string? modelId = null, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var name = AddGatedHttpClient(services, SpeechToTextHttpClientName, null, options);
        return services.AddSpeechToTextClient(sp => CreateSpeechToTextClient(sp, name, options, modelId), lifetime);
    }

    /// <summary>Reads <see cref="VllmProviderOptions"/> from the "Vllm" section, or from the given section itself.</summary>
    internal static VllmProviderOptions Bind(IConfiguration configuration)
    {
        var section = configuration.GetSection("Vllm");
        return VllmProviderOptions.FromConfiguration(section.Exists() ? section : configuration);
    }

    private static string AddGatedHttpClient(IServiceCollection services, string baseName, object? serviceKey, VllmProviderOptions options)
    {
        var name = serviceKey is null ? baseName : $"{baseName}:{serviceKey}";
        services.AddHttpClient(name)
            // Our own timeouts (first byte, idle between chunks) apply; HttpClient's 100 s default would cut long generations.
            .ConfigureHttpClient(client => client.Timeout = System.Threading.Timeout.InfiniteTimeSpan)
            // IHttpClientFactory's default request logging puts raw header values (the Authorization key included)
            // into the structured state of its Trace-level header events; only its message text is redacted. Requests
            // are logged by the OpenAI SDK's pipeline (headers redacted) and by our own events instead.
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(sp => VllmHttpClientFactory.CreateHandler(WithContainerLogging(options, sp)));
        return name;
    }

    /// <summary>The options with the container's <see cref="ILoggerFactory"/> when they name none (the caller's instance is not changed).</summary>
    internal static VllmProviderOptions WithContainerLogging(VllmProviderOptions options, IServiceProvider services)
        => VllmLoggerFallback.WithLoggerFactory(options, services.GetService<ILoggerFactory>());

    private static VllmChatClient CreateChatClient(IServiceProvider services, string httpClientName, VllmProviderOptions options, string? modelId)
        => new(WithContainerLogging(options, services), modelId, services.GetRequiredService<IHttpClientFactory>().CreateClient(httpClientName));

    private static VllmEmbeddingGenerator CreateEmbeddingGenerator(IServiceProvider services, string httpClientName, VllmProviderOptions options, string? modelId)
        => new(WithContainerLogging(options, services), modelId, services.GetRequiredService<IHttpClientFactory>().CreateClient(httpClientName));

#pragma warning disable MEAI001 // The speech client implements Microsoft.Extensions.AI's experimental ISpeechToTextClient.
    /// <summary>Creates the speech client on the named gated <see cref="HttpClient"/> (also used by the Semantic Kernel registration).</summary>
    internal static VllmSpeechToTextClient CreateSpeechToTextClient(IServiceProvider services, string? httpClientName, VllmProviderOptions options, string? modelId)
        => new(WithContainerLogging(options, services), modelId, httpClientName is null ? null : services.GetRequiredService<IHttpClientFactory>().CreateClient(httpClientName));
#pragma warning restore MEAI001
}
