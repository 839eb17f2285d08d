using Connectors.Vllm;
using Connectors.Vllm.SemanticKernel;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.SemanticKernel;

/// <summary>
/// Adds vLLM chat completion, embedding generation, text generation (<c>/v1/completions</c>) and speech to text to a
/// Semantic Kernel <see cref="IKernelBuilder"/>.
/// </summary>
/// <remarks>
/// The chat service is our <see cref="VllmChatClient"/> with Semantic Kernel's own function invocation on top,
/// so <c>FunctionChoiceBehavior.Auto()</c> runs kernel functions from vLLM tool calls (MEAI's function invocation
/// is deliberately not added on this path: functions would run twice). vLLM extras travel in
/// <see cref="PromptExecutionSettings.ExtensionData"/> under their wire names (or use <see cref="VllmPromptExecutionSettings"/>).
/// Semantic Kernel keeps only text, images and function calls of an answer, so reasoning is put in the message's
/// <c>Metadata["reasoning"]</c> (in a stream: each update's reasoning delta) and usage in <c>Metadata["Usage"]</c>
/// (a <c>UsageDetails</c> on a full answer, the <c>UsageContent</c> on the last streamed update).
/// Microsoft.Extensions.AI middleware such as <c>UseVllmTokenBudget</c> goes in through the <c>configure</c> parameter,
/// beneath that layer, so the metadata is filled either way.
/// </remarks>
public static class VllmKernelBuilderExtensions
{
    /// <summary>Adds a vLLM <see cref="ChatCompletion.IChatCompletionService"/> (and the <see cref="IChatClient"/> behind it).</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="modelId">The model (<c>vllm/&lt;id&gt;</c> or <c>&lt;id&gt;</c>); <see langword="null"/> for the only served model.</param>
    /// <param name="endpoint">The base URL ending in <c>/v1</c>; <see langword="null"/> for <c>VLLM_BASE_URL</c> or the default <c>http://127.0.0.1:8000/v1</c>.</param>
    /// <param name="apiKey">The API key; <see langword="null"/> for <c>VLLM_API_KEY</c> or none.</param>
    /// <param name="serviceId">The service id (key) to register under, or <see langword="null"/>.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use; build it on <c>VllmHttpHandler</c> to keep the private-network gate.</param>
    /// <param name="configure">Adds Microsoft.Extensions.AI middleware directly over the <see cref="VllmChatClient"/>, beneath
    /// Semantic Kernel's function invocation and the layer that fills <c>Metadata["reasoning"]</c> / <c>Metadata["Usage"]</c>
    /// (for example <c>b =&gt; b.UseVllmTokenBudget(reducer)</c>); it must return the builder. <see langword="null"/> for none.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IKernelBuilder AddVllmChatCompletion(this IKernelBuilder builder, string? modelId = null, Uri? endpoint = null, string? apiKey = null, string? serviceId = null, HttpClient? httpClient = null, Func<ChatClientBuilder, ChatClientBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddVllmChatCompletion(modelId, endpoint, apiKey, serviceId, httpClient, configure);
        return builder;
    }

    /// <summary>Adds a vLLM <see cref="ChatCompletion.IChatCompletionService"/> from full provider options.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="options">Where the server is and how to reach it.</param>
    /// <param name="modelId">The model; <see langword="null"/> for the only served model.</param>
    /// <param name="serviceId">The service id (key) to register under, or <see langword="null"/>.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use, or <see langword="null"/>.</param>
    /// <param name="configure">Adds Microsoft.Extensions.AI middleware directly over the <see cref="VllmChatClient"/>, beneath
    /// Semantic Kernel's function invocation and the layer that fills <c>Metadata["reasoning"]</c> / <c>Metadata["Usage"]</c>
    /// (for example <c>b =&gt; b.UseVllmTokenBudget(reducer)</c>); it must return the builder. <see langword="null"/> for none.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    public static IKernelBuilder AddVllmChatCompletion(this IKernelBuilder builder, VllmProviderOptions options, string? modelId = null, string? serviceId = null, HttpClient? httpClient = null, Func<ChatClientBuilder, ChatClientBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        builder.Services.AddVllmChatCompletion(options, modelId, serviceId, httpClient, configure);
        return builder;
    }

    /// <summary>Adds a vLLM embedding generator (<see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>).</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="modelId">The embedding model; <see langword="null"/> for the only served model.</param>
    /// <param name="endpoint">The base URL ending in <c>/v1</c>; <see langword="null"/> for <c>VLLM_BASE_URL</c> or the default.</param>
    /// <param name="apiKey">The API key; <see langword="null"/> for <c>VLLM_API_KEY</c> or none.</param>
    /// <param name="serviceId">The service id (key) to register under, or <see langword="null"/>.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use, or <see langword="null"/>.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IKernelBuilder AddVllmEmbeddingGenerator(this IKernelBuilder builder, string? modelId = null, Uri? endpoint = null, string? apiKey = null, string? serviceId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddVllmEmbeddingGenerator(VllmKernelServiceCollectionExtensions.OptionsFor(endpoint, apiKey), modelId, serviceId, httpClient);
    }

    /// <summary>Adds a vLLM embedding generator from full provider options.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="options">Where the server is and how to reach it.</param>
    /// <param name="modelId">The embedding model; <see langword="null"/> for the only served model.</param>
    /// <param name="serviceId">The service id (key) to register under, or <see langword="null"/>.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use, or <see langword="null"/>.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    public static IKernelBuilder AddVllmEmbeddingGenerator(this IKernelBuilder builder, VllmProviderOptions options, string? modelId = null, string? serviceId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        builder.Services.AddKeyedSingleton<IEmbeddingGenerator<string, Embedding<float>>>(serviceId, (sp, _) =>
            new VllmEmbeddingGenerator(VllmServiceCollectionExtensions.WithContainerLogging(options, sp), modelId, httpClient));
        return builder;
    }

    /// <summary>Adds a vLLM speech-to-text service (Semantic Kernel's <c>IAudioToTextService</c>, over a
    /// <see cref="VllmSpeechToTextClient"/>): transcription, or translation into English, by a Whisper-like model.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="options">Where the server is and how to reach it.</param>
    /// <param name="modelId">The speech model; <see langword="null"/> for the server's first served model.</param>
    /// <param name="serviceId">The service id (key) to register under, or <see langword="null"/>.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use, or <see langword="null"/>.</param>
    /// <returns>The same builder.</returns>
    /// <remarks>Semantic Kernel marks <c>IAudioToTextService</c> experimental (SKEXP0001): resolving it needs that diagnostic
    /// suppressed in the caller's code. The execution settings' <c>ExtensionData["language"]</c> is the spoken language,
    /// <c>ExtensionData["text_language"]</c> the text's (<c>"en"</c> translates); other entries go to vLLM under their wire names.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    public static IKernelBuilder AddVllmAudioToText(this IKernelBuilder builder, VllmProviderOptions options, string? modelId = null, string? serviceId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
#pragma warning disable SKEXP0001, MEAI001 // IAudioToTextService (SK) and ISpeechToTextClient (MEAI) are experimental; registering them is this method's purpose.
        builder.Services.AddKeyedSingleton<AudioToText.IAudioToTextService>(serviceId, (sp, _) =>
            new VllmAudioToTextService(new VllmSpeechToTextClient(VllmServiceCollectionExtensions.WithContainerLogging(options, sp), modelId, httpClient), modelId));
#pragma warning restore SKEXP0001, MEAI001
        return builder;
    }

    /// <summary>Adds a vLLM text generation service (Semantic Kernel's <see cref="TextGeneration.ITextGenerationService"/>)
    /// over <c>/v1/completions</c>, for base models: the prompt is sent as given, without a chat template.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="options">Where the server is and how to reach it.</param>
    /// <param name="modelId">The model; <see langword="null"/> for the server's first served model.</param>
    /// <param name="serviceId">The service id (key) to register under, or <see langword="null"/>.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use, or <see langword="null"/>.</param>
    /// <returns>The same builder.</returns>
    /// <remarks>Settings: the typed extras of <see cref="VllmPromptExecutionSettings"/> and every
    /// <see cref="PromptExecutionSettings.ExtensionData"/> entry under its vLLM wire name (<c>echo</c>, <c>logprobs</c> as the
    /// number of alternatives, <c>stop</c>, <c>structured_outputs</c>…); what the route refuses (<c>suffix</c>) or does not have
    /// (chat-only fields) throws <see cref="NotSupportedException"/> before sending. vLLM's <c>max_tokens</c> defaults to 16 on
    /// this route. Each content's <c>Metadata</c> holds <c>FinishReason</c>, <c>Usage</c> (streamed: on the last content),
    /// <c>logprobs</c> and <c>stop_reason</c>.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    public static IKernelBuilder AddVllmTextGeneration(this IKernelBuilder builder, VllmProviderOptions options, string? modelId = null, string? serviceId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        builder.Services.AddKeyedSingleton<TextGeneration.ITextGenerationService>(serviceId, (sp, _) =>
            new VllmTextGenerationService(VllmServiceCollectionExtensions.WithContainerLogging(options, sp), modelId, httpClient));
        return builder;
    }
}
