namespace Connectors.Vllm.Catalog;

/// <summary><c>GET /version</c>: <c>{"version":"0.27.1"}</c>.</summary>
internal sealed class VllmVersionResponse
{
    public string? Version { get; init; }
}
