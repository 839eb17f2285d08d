using System.Text.Json.Serialization;

namespace Connectors.Vllm.Catalog;

/// <summary><c>GET /v1/models</c>: <c>{"object":"list","data":[…]}</c>.</summary>
internal sealed class VllmModelListResponse
{
    [JsonPropertyName("object")]
    public string? Object { get; init; }

    [JsonPropertyName("data")]
    public List<VllmModelCard?>? Data { get; init; }
}
