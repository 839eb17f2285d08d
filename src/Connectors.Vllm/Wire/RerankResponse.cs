using System.Text.Json.Serialization;

namespace Connectors.Vllm.Wire;

/// <summary>vLLM's <c>/rerank</c> answer (<c>vllm/entrypoints/pooling/score/protocol.py</c>: <c>RerankResponse</c>).</summary>
internal sealed record RerankResponse(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("model")] string? Model,
    [property: JsonPropertyName("usage")] PoolingUsage? Usage,
    [property: JsonPropertyName("results")] RerankResultItem[]? Results);
