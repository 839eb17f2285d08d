using Connectors.Vllm;
using Connectors.Vllm.SemanticKernel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Microsoft.SemanticKernel;

/// <summary>
/// The <see cref="IServiceCollection"/> twin of <see cref="VllmKernelBuilderExtensions.AddVllmChatCompletion(IKernelBuilder, VllmProviderOptions, string?, string?, HttpClient?, Func{ChatClientBuilder, ChatClientBuilder}?)"/>,
/// for hosts that build their kernel from the application's service provider. Embeddings need no Semantic Kernel
/// flavour here: Semantic Kernel uses the <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> that
/// <see cref="VllmServiceCollectionExtensions.AddVllmEmbeddingGenerator(IServiceCollection, VllmProviderOptions, string?, ServiceLifetime)"/>
/// (or <c>AddKeyedVllmEmbeddingGenerator</c>) registers.
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
    /// <param name="configure">Adds Microsoft.Extensions.AI middleware directly over the <see cref="VllmChatClient"/>, beneath
    /// Semantic Kernel's function invocation and the layer that fills <c>Metadata["reasoning"]</c> / <c>Metadata["Usage"]</c>
    /// (for example <c>b =&gt; b.UseVllmTokenBudget(reducer)</c>); it must return the builder. <see langword="null"/> for none.</param>
    /// <returns>The same service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddVllmChatCompletion(this IServiceCollection services, string? modelId = null, Uri? endpoint = null, string? apiKey = null, string? serviceId = null, HttpClient? httpClient = null, Func<ChatClientBuilder, ChatClientBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.AddVllmChatCompletion(OptionsFor(endpoint, apiKey), modelId, serviceId, httpClient, configure);
    }

    /// <summary>Adds a vLLM <see cref="IChatCompletionService"/> and the <see cref="IChatClient"/> behind it from full provider options.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="options">Where the server is and how to reach it.</param>
    /// <param name="modelId">The model; <see langword="null"/> for the only served model.</param>
    /// <param name="serviceId">The service id (key), or <see langword="null"/>.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use, or <see langword="null"/>.</param>
    /// <param name="configure">Adds Microsoft.Extensions.AI middleware directly over the <see cref="VllmChatClient"/>, beneath
    /// Semantic Kernel's function invocation and the layer that fills <c>Metadata["reasoning"]</c> / <c>Metadata["Usage"]</c>
    /// (for example <c>b =&gt; b.UseVllmTokenBudget(reducer)</c>); it must return the builder. <see langword="null"/> for none.</param>
    /// <returns>The same service collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    public static IServiceCollection AddVllmChatCompletion(this IServiceCollection services, VllmProviderOptions options, string? modelId = null, string? serviceId = null, HttpClient? httpClient = null, Func<ChatClientBuilder, ChatClientBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);

        services.AddKeyedSingleton<IChatClient>(serviceId, (sp, _) =>
        {
            var vllm = new ChatClientBuilder(new VllmChatClient(VllmServiceCollectionExtensions.WithContainerLogging(options, sp), modelId, httpClient));
            // The caller's middleware sits right over vLLM, so it sees every request of SK's function-calling loop.
            var inner = configure is null ? vllm : configure(vllm) ?? throw new InvalidOperationException(
                "The 'configure' callback of AddVllmChatCompletion returned null; return the ChatClientBuilder it was given (for example b => b.UseVllmTokenBudget(reducer)).");
            return inner.Build(sp)
                .AsBuilder()
                // Outermost: copies reasoning and usage into metadata, which is all SK keeps of them.
                .Use(client => new VllmKernelContentChatClient(client))
                // Semantic Kernel's invocation loop runs kernel functions and its filters; MEAI's is not added here.
                .UseKernelFunctionInvocation(sp.GetService<ILoggerFactory>())
                .Build(sp);
        });
        services.AddKeyedSingleton<IChatCompletionService>(serviceId, (sp, _) =>
            sp.GetRequiredKeyedService<IChatClient>(serviceId).AsChatCompletionService(sp));
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
