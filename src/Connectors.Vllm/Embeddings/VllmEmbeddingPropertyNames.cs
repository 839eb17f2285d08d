namespace Connectors.Vllm.Embeddings;

/// <summary>
/// The wire names of the vLLM request fields only embeddings take, which <see cref="VllmEmbeddingGenerator"/> reads from
/// <see cref="Microsoft.Extensions.AI.EmbeddingGenerationOptions.AdditionalProperties"/>. The fields embeddings share with
/// chat (<c>truncate_prompt_tokens</c>, <c>truncation_side</c>, <c>priority</c>, <c>add_special_tokens</c>, <c>cache_salt</c>,
/// <c>request_id</c>, <c>mm_processor_kwargs</c>) are named once, by <see cref="VllmChatOptionsExtensions"/>' constants.
/// Other keys are not sent.
/// </summary>
/// <remarks>Internal: users set every one of them with <see cref="VllmEmbeddingGenerationOptionsExtensions"/> (one public
/// class per options type, like <see cref="VllmChatOptionsExtensions"/>), so the names are not a second public way to say the same.</remarks>
internal static class VllmEmbeddingPropertyNames
{
    /// <summary><c>use_activation</c> (bool): apply the pooler's normalization/activation (vLLM's replacement for <c>normalize</c>).</summary>
    public const string UseActivation = "use_activation";

    /// <summary><c>normalize</c> (bool): accepted for convenience and sent as <c>use_activation</c>; vLLM rejects <c>normalize</c> itself.</summary>
    public const string Normalize = "normalize";

    /// <summary><c>embed_dtype</c> (<c>"float32"</c>, <c>"float16"</c>, <c>"bfloat16"</c>, or a <see cref="VllmEmbedDType"/>).</summary>
    public const string EmbedDType = "embed_dtype";

    /// <summary><c>encoding_format</c> (<c>"base64"</c>, <c>"bytes"</c>, <c>"float"</c>, or a <see cref="VllmEmbeddingEncoding"/>): overrides the generator's encoding for one call.</summary>
    public const string EncodingFormat = "encoding_format";
}
