namespace Connectors.Vllm.Embeddings;

/// <summary>Where one vector sits in a bytes answer's body (from the <c>metadata</c> header).</summary>
internal readonly record struct BinaryItem(int Index, int Start, int End, int Elements, VllmEmbedDType DType, bool BigEndian);
