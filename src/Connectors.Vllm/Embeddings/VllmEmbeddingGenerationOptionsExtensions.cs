using Connectors.Vllm.Embeddings;

namespace Connectors.Vllm;

/// <summary>vLLM's embedding request fields that <see cref="EmbeddingGenerationOptions"/> has no property for, as typed
/// extension methods (one per field); each writes <see cref="EmbeddingGenerationOptions.AdditionalProperties"/> under the
/// field's wire name, named in its summary, and returns the same options for chaining.</summary>
/// <remarks>
/// <para>Keys in <see cref="EmbeddingGenerationOptions.AdditionalProperties"/> that are not one of these wire names are not
/// sent. <c>normalize</c> is accepted there and sent as <c>use_activation</c> (vLLM rejects <c>normalize</c> itself).</para>
/// <example><code>
/// var options = new EmbeddingGenerationOptions { Dimensions = 512 }
///     .WithTruncatePromptTokens(512)
///     .WithPriority(1);
/// </code></example>
/// </remarks>
public static class VllmEmbeddingGenerationOptionsExtensions
{
    /// <summary>Truncates each input to <paramref name="tokens"/> tokens (vLLM's <c>truncate_prompt_tokens</c>; -1 = the model's maximum).</summary>
    /// <param name="options">The options.</param>
    /// <param name="tokens">The token limit, ≥ -1.</param>
    /// <returns><paramref name="options"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tokens"/> is below -1.</exception>
    public static EmbeddingGenerationOptions WithTruncatePromptTokens(this EmbeddingGenerationOptions options, int tokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tokens, -1);
        return Set(options, VllmChatOptionsExtensions.TruncatePromptTokens, tokens);
    }

    /// <summary>Chooses which end truncation removes (vLLM's <c>truncation_side</c>).</summary>
    /// <param name="options">The options.</param>
    /// <param name="keepEnd"><see langword="true"/> keeps the last tokens (<c>"left"</c>); <see langword="false"/> keeps the first (<c>"right"</c>).</param>
    /// <returns><paramref name="options"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public static EmbeddingGenerationOptions WithTruncationSide(this EmbeddingGenerationOptions options, bool keepEnd)
        => Set(options, VllmChatOptionsExtensions.TruncationSide, keepEnd ? "left" : "right");

    /// <summary>Turns the pooler's normalization/activation on or off (vLLM's <c>use_activation</c>, which replaced <c>normalize</c>).</summary>
    /// <param name="options">The options.</param>
    /// <param name="useActivation">Whether to normalize.</param>
    /// <returns><paramref name="options"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public static EmbeddingGenerationOptions WithUseActivation(this EmbeddingGenerationOptions options, bool useActivation)
        => Set(options, VllmEmbeddingPropertyNames.UseActivation, useActivation);

    /// <summary>Sets the request priority (vLLM's <c>priority</c>).</summary>
    /// <param name="options">The options.</param>
    /// <param name="priority">Lower is served earlier.</param>
    /// <returns><paramref name="options"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public static EmbeddingGenerationOptions WithPriority(this EmbeddingGenerationOptions options, int priority)
        => Set(options, VllmChatOptionsExtensions.Priority, priority);

    /// <summary>Sets the element type on the wire (vLLM's <c>embed_dtype</c>).</summary>
    /// <param name="options">The options.</param>
    /// <param name="dtype">The element type.</param>
    /// <returns><paramref name="options"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public static EmbeddingGenerationOptions WithEmbedDType(this EmbeddingGenerationOptions options, VllmEmbedDType dtype)
        => Set(options, VllmEmbeddingPropertyNames.EmbedDType, dtype);

    /// <summary>Chooses how vectors travel for this call (vLLM's <c>encoding_format</c>).</summary>
    /// <param name="options">The options.</param>
    /// <param name="encoding">The encoding.</param>
    /// <returns><paramref name="options"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public static EmbeddingGenerationOptions WithEncoding(this EmbeddingGenerationOptions options, VllmEmbeddingEncoding encoding)
        => Set(options, VllmEmbeddingPropertyNames.EncodingFormat, encoding);

    /// <summary>Adds or omits special tokens such as BOS (vLLM's <c>add_special_tokens</c>).</summary>
    /// <param name="options">The options.</param>
    /// <param name="addSpecialTokens">Whether to add them.</param>
    /// <returns><paramref name="options"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    public static EmbeddingGenerationOptions WithAddSpecialTokens(this EmbeddingGenerationOptions options, bool addSpecialTokens)
        => Set(options, VllmChatOptionsExtensions.AddSpecialTokens, addSpecialTokens);

    /// <summary>Salts the prefix cache (vLLM's <c>cache_salt</c>).</summary>
    /// <param name="options">The options.</param>
    /// <param name="salt">The salt, 1–1024 characters.</param>
    /// <returns><paramref name="options"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="salt"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="salt"/> is empty or longer than 1024 characters.</exception>
    public static EmbeddingGenerationOptions WithCacheSalt(this EmbeddingGenerationOptions options, string salt)
    {
        ArgumentException.ThrowIfNullOrEmpty(salt);
        if (salt.Length > 1024)
        {
            throw new ArgumentException("vLLM accepts at most 1024 characters of cache_salt.", nameof(salt));
        }

        return Set(options, VllmChatOptionsExtensions.CacheSalt, salt);
    }

    /// <summary>Sets the request id: sent as the <c>X-Request-Id</c> header (vLLM's response id becomes <c>embd-&lt;id&gt;</c>,
    /// and routers log it) and as vLLM's <c>request_id</c> field; reported in <see cref="VllmException.RequestId"/>. Without
    /// it every request gets a new id. When a call is split into several batches, the first carries the id and the others
    /// <c>&lt;id&gt;-1</c>, <c>&lt;id&gt;-2</c>, ….</summary>
    /// <param name="options">The options.</param>
    /// <param name="requestId">The id.</param>
    /// <returns><paramref name="options"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="requestId"/> is <see langword="null"/>.</exception>
    public static EmbeddingGenerationOptions WithRequestId(this EmbeddingGenerationOptions options, string requestId)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        return Set(options, VllmChatOptionsExtensions.RequestId, requestId);
    }

    /// <summary>Passes extra arguments to the model's multimodal processor (vLLM's <c>mm_processor_kwargs</c>).</summary>
    /// <param name="options">The options.</param>
    /// <param name="kwargs">The arguments.</param>
    /// <returns><paramref name="options"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="kwargs"/> is <see langword="null"/>.</exception>
    public static EmbeddingGenerationOptions WithMmProcessorKwargs(this EmbeddingGenerationOptions options, IDictionary<string, object?> kwargs)
    {
        ArgumentNullException.ThrowIfNull(kwargs);
        return Set(options, VllmChatOptionsExtensions.MmProcessorKwargs, kwargs);
    }

    /// <summary>Adds a header to this call's requests only (for example a router's routing or tenant header), on top of
    /// <see cref="VllmProviderOptions.Headers"/>; the value is never logged. A later call with the same name replaces it.</summary>
    /// <param name="options">The options.</param>
    /// <param name="name">The header name.</param>
    /// <param name="value">The value.</param>
    /// <returns><paramref name="options"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/>, <paramref name="name"/> or <paramref name="value"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or not a header name, or is <c>Authorization</c> (set
    /// <see cref="VllmProviderOptions.ApiKey"/>) or <c>User-Agent</c>; <paramref name="value"/> contains a line break.</exception>
    public static EmbeddingGenerationOptions WithRequestHeader(this EmbeddingGenerationOptions options, string name, string value)
    {
        ArgumentNullException.ThrowIfNull(options);
        Pipeline.VllmCallHeaders.SetHeader(options.AdditionalProperties ??= [], name, value);
        return options;
    }

    /// <summary>Names the llm-d <c>InferenceObjective</c> of this call (header <c>x-llm-d-inference-objective</c>).</summary>
    /// <param name="options">The options.</param>
    /// <param name="objective">The InferenceObjective's name.</param>
    /// <returns><paramref name="options"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="objective"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="objective"/> is empty or contains a line break.</exception>
    public static EmbeddingGenerationOptions WithInferenceObjective(this EmbeddingGenerationOptions options, string objective)
        => options.WithRequestHeader(VllmChatOptionsExtensions.LlmDHeaders.Objective, VllmChatOptionsExtensions.HeaderValue(objective));

    /// <summary>Sets the llm-d fairness id of this call (header <c>x-llm-d-inference-fairness-id</c>).</summary>
    /// <param name="options">The options.</param>
    /// <param name="fairnessId">The tenant id.</param>
    /// <returns><paramref name="options"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or <paramref name="fairnessId"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="fairnessId"/> is empty or contains a line break.</exception>
    public static EmbeddingGenerationOptions WithFairnessId(this EmbeddingGenerationOptions options, string fairnessId)
        => options.WithRequestHeader(VllmChatOptionsExtensions.LlmDHeaders.FairnessId, VllmChatOptionsExtensions.HeaderValue(fairnessId));

    private static EmbeddingGenerationOptions Set(EmbeddingGenerationOptions options, string key, object value)
    {
        ArgumentNullException.ThrowIfNull(options);
        (options.AdditionalProperties ??= [])[key] = value;
        return options;
    }
}
