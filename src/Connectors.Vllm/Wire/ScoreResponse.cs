using System.Text.Json.Serialization;

namespace Connectors.Vllm.Wire;

/// <summary>vLLM's <c>/score</c> answer: one score per (text_1, text_2) pair, in input order.</summary>
internal sealed record ScoreResponse(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("model")] string? Model,
    [property: JsonPropertyName("data")] ScoreResponseItem[]? Data,
    [property: JsonPropertyName("usage")] PoolingUsage? Usage);
