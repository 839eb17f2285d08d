namespace Connectors.Vllm.Embeddings;

/// <summary>
/// The vLLM request fields <see cref="VllmEmbeddingGenerator"/> reads from
/// <see cref="Microsoft.Extensions.AI.EmbeddingGenerationOptions.AdditionalProperties"/>, under their wire names.
/// Other keys are not sent.
/// </summary>
/// <remarks>Internal: users set every one of them with <see cref="VllmEmbeddingGenerationOptionsExtensions"/> (one public
/// class per options type, like <see cref="VllmChatOptionsExtensions"/>), so the names are not a second public way to say the same.</remarks>
internal static class VllmEmbeddingPropertyNames
{
    /// <summary><c>truncate_prompt_tokens</c> (int ≥ -1): truncate each input to this many tokens (-1: the model's maximum).</summary>
    public const string TruncatePromptTokens = "truncate_prompt_tokens";

    /// <summary><c>truncation_side</c> (<c>"left"</c> or <c>"right"</c>): which end truncation removes.</summary>
    public const string TruncationSide = "truncation_side";

    /// <summary><c>use_activation</c> (bool): apply the pooler's normalization/activation (vLLM's replacement for <c>normalize</c>).</summary>
    public const string UseActivation = "use_activation";

    /// <summary><c>normalize</c> (bool): accepted for convenience and sent as <c>use_activation</c>; vLLM rejects <c>normalize</c> itself.</summary>
    public const string Normalize = "normalize";

    /// <summary><c>priority</c> (int): lower is served earlier with priority scheduling.</summary>
    public const string Priority = "priority";

    /// <summary><c>embed_dtype</c> (<c>"float32"</c>, <c>"float16"</c>, <c>"bfloat16"</c>, or a <see cref="VllmEmbedDType"/>).</summary>
    public const string EmbedDType = "embed_dtype";

    /// <summary><c>encoding_format</c> (<c>"base64"</c>, <c>"bytes"</c>, <c>"float"</c>, or a <see cref="VllmEmbeddingEncoding"/>): overrides the generator's encoding for one call.</summary>
    public const string EncodingFormat = "encoding_format";

    /// <summary><c>add_special_tokens</c> (bool): add BOS and similar tokens (vLLM default true).</summary>
    public const string AddSpecialTokens = "add_special_tokens";

    /// <summary><c>cache_salt</c> (string, 1–1024 characters): salts the prefix cache.</summary>
    public const string CacheSalt = "cache_salt";

    /// <summary><c>request_id</c> (string): the request id inside vLLM.</summary>
    public const string RequestId = "request_id";

    /// <summary><c>mm_processor_kwargs</c> (object): extra arguments for the model's multimodal processor.</summary>
    public const string MmProcessorKwargs = "mm_processor_kwargs";
}
