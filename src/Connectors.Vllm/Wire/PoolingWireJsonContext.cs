using System.Text.Json.Serialization;

namespace Connectors.Vllm.Wire;

/// <summary>Source-generated (AOT-clean) JSON for the tokenizer and reranking wire records.</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(TokenizeResponse))]
[JsonSerializable(typeof(DetokenizeResponse))]
[JsonSerializable(typeof(RerankResponse))]
[JsonSerializable(typeof(ScoreResponse))]
internal sealed partial class PoolingWireJsonContext : JsonSerializerContext
{
}
