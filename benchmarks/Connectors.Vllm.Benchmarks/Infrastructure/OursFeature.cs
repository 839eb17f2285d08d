namespace Connectors.Vllm.Benchmarks.Infrastructure;

/// <summary>Which of our types a benchmark needs (they land on separate branches).</summary>
internal enum OursFeature
{
    None,
    Chat,
    Embeddings,
    EmbeddingsBytes,
    Discovery,
}
