using System.Text.Json.Serialization;

namespace Connectors.Vllm.Wire;

/// <summary>One entry of <c>RerankResponse.results</c>.</summary>
internal sealed record RerankResultItem(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("document")] RerankDocument? Document,
    [property: JsonPropertyName("relevance_score")] double RelevanceScore);
