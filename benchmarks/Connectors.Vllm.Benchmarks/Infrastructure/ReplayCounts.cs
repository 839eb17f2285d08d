namespace Connectors.Vllm.Benchmarks.Infrastructure;

/// <summary>Requests counted by the replay server.</summary>
internal readonly record struct ReplayCounts(long Total, long Chat, long Embeddings, long Models, long Version, long EmbeddingsFloat, long EmbeddingsBase64, long EmbeddingsBytes);
