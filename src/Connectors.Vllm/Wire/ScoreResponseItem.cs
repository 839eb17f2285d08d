using System.Text.Json.Serialization;

namespace Connectors.Vllm.Wire;

/// <summary>One entry of <c>ScoreResponse.data</c>.</summary>
internal sealed record ScoreResponseItem(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("score")] double Score);
