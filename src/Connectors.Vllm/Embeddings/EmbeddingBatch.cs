namespace Connectors.Vllm.Embeddings;

/// <summary>The decoded answer to one batch request: vectors in input order, and what the server said about them.</summary>
internal sealed class EmbeddingBatch
{
    public EmbeddingBatch(float[][] vectors) => Vectors = vectors;

    /// <summary>Gets the vectors, indexed by the input's position within the batch.</summary>
    public float[][] Vectors { get; }

    public string? Model { get; set; }

    public long? Created { get; set; }

    public long? PromptTokens { get; set; }

    public long? TotalTokens { get; set; }
}
