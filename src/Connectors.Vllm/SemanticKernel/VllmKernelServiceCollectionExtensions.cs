using System;
using System.Net.Http;
using Connectors.Vllm;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Microsoft.SemanticKernel;

/// <summary>
/// The <see cref="IServiceCollection"/> twins of <see cref="VllmKernelBuilderExtensions"/>, for hosts that build
/// their kernel from the application's service provider.
/// </summary>
public static class VllmKernelServiceCollectionExtensions
{
    /// <summary>Adds a vLLM <see cref="IChatCompletionService"/> and the <see cref="IChatClient"/> behind it, keyed by <paramref name="serviceId"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="modelId">The model; <see langword="null"/> for the only served model.</param>
    /// <param name="endpoint">The base URL ending in <c>/v1</c>; <see langword="null"/> for <c>VLLM_BASE_URL</c> or the default.</param>
    /// <param name="apiKey">The API key; <see langword="null"/> for <c>VLLM_API_KEY</c> or none.</param>
    /// <param name="serviceId">The service id (key), or <see langword="null"/>.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use, or <see langword="null"/>.</param>
    /// <returns>The same service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddVllmChatCompletion(this IServiceCollection services, string? modelId = null, Uri? endpoint = null, string? apiKey = null, string? serviceId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddVllmChatCompletion(OptionsFor(endpoint, apiKey), modelId, serviceId, httpClient);
    }

    /// <summary>Adds a vLLM <see cref="IChatCompletionService"/> and the <see cref="IChatClient"/> behind it from full provider options.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="options">Where the server is and how to reach it.</param>
    /// <param name="modelId">The model; <see langword="null"/> for the only served model.</param>
    /// <param name="serviceId">The service id (key), or <see langword="null"/>.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use, or <see langword="null"/>.</param>
    /// <returns>The same service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddVllmChatCompletion(this IServiceCollection services, VllmProviderOptions options, string? modelId = null, string? serviceId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);

        services.AddKeyedSingleton<IChatClient>(serviceId, (sp, _) =>
            new VllmChatClient(VllmServiceCollectionExtensions.WithContainerLogging(options, sp), modelId, httpClient)
                .AsBuilder()
                // Outermost: copies reasoning and usage into metadata, which is all SK keeps of them.
                .Use(inner => new VllmKernelContentChatClient(inner))
                // Semantic Kernel's invocation loop runs kernel functions and its filters; MEAI's is not added here.
                .UseKernelFunctionInvocation(sp.GetService<ILoggerFactory>())
                .Build(sp));
        services.AddKeyedSingleton<IChatCompletionService>(serviceId, (sp, _) =>
            sp.GetRequiredKeyedService<IChatClient>(serviceId).AsChatCompletionService(sp));
        return services;
    }

    /// <summary>Adds a vLLM embedding generator keyed by <paramref name="serviceId"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="modelId">The embedding model; <see langword="null"/> for the only served model.</param>
    /// <param name="endpoint">The base URL ending in <c>/v1</c>; <see langword="null"/> for <c>VLLM_BASE_URL</c> or the default.</param>
    /// <param name="apiKey">The API key; <see langword="null"/> for <c>VLLM_API_KEY</c> or none.</param>
    /// <param name="serviceId">The service id (key), or <see langword="null"/>.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use, or <see langword="null"/>.</param>
    /// <returns>The same service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddVllmEmbeddingGenerator(this IServiceCollection services, string? modelId = null, Uri? endpoint = null, string? apiKey = null, string? serviceId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddVllmEmbeddingGenerator(OptionsFor(endpoint, apiKey), modelId, serviceId, httpClient);
    }

    /// <summary>Adds a vLLM embedding generator from full provider options.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="options">Where the server is and how to reach it.</param>
    /// <param name="modelId">The embedding model; <see langword="null"/> for the only served model.</param>
    /// <param name="serviceId">The service id (key), or <see langword="null"/>.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use, or <see langword="null"/>.</param>
    /// <returns>The same service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddVllmEmbeddingGenerator(this IServiceCollection services, VllmProviderOptions options, string? modelId = null, string? serviceId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.AddKeyedSingleton<IEmbeddingGenerator<string, Embedding<float>>>(serviceId, (sp, _) => new VllmEmbeddingGenerator(VllmServiceCollectionExtensions.WithContainerLogging(options, sp), modelId, httpClient));
        return services;
    }

    /// <summary>Options from explicit arguments, falling back to the implicit provider (environment), then the defaults.</summary>
    internal static VllmProviderOptions OptionsFor(Uri? endpoint, string? apiKey)
    {
        var options = VllmProviderOptions.FromEnvironment() ?? new VllmProviderOptions();
        if (endpoint is not null)
        {
            options.BaseUrl = endpoint;
        }

        if (apiKey is not null)
        {
            options.ApiKey = apiKey;
        }

        return options;
    }
}
