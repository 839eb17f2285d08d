namespace Connectors.Vllm.Catalog;

/// <summary><c>GET /v1/models</c>: <c>{"object":"list","data":[…]}</c>.</summary>
internal sealed class VllmModelListResponse
{
    public string? Object { get; init; }

    public List<VllmModelCard?>? Data { get; init; }
}
