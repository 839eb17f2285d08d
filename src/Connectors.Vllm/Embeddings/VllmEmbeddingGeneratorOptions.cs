namespace Connectors.Vllm;

/// <summary>Settings of one <see cref="VllmEmbeddingGenerator"/>, read when it is built.</summary>
public sealed class VllmEmbeddingGeneratorOptions
{
    /// <summary>Gets or sets the model used when a request names none (a <c>vllm/</c> prefix is removed); <see langword="null"/>
    /// lets the server pick its first served model. An empty or blank id is refused when the generator is built.</summary>
    public string? DefaultModelId { get; set; }

    /// <summary>Gets or sets the default output dimensions (Matryoshka models only); <see langword="null"/> for the model's own size.</summary>
    public int? Dimensions { get; set; }

    /// <summary>Gets or sets how vectors travel. Default <see cref="VllmEmbeddingEncoding.Base64"/>.</summary>
    public VllmEmbeddingEncoding Encoding { get; set; }

    /// <summary>Gets or sets the element type on the wire (vLLM's <c>embed_dtype</c>); <see langword="null"/> sends nothing (float32).</summary>
    public VllmEmbedDType? EmbedDType { get; set; }

    /// <summary>Gets or sets the most inputs sent in one request; larger calls are split. Default 256.</summary>
    public int MaxBatchSize { get; set; } = 256;

    /// <summary>Gets or sets how many batch requests may be in flight at once. Default 4.</summary>
    public int MaxParallelRequests { get; set; } = 4;
}
