using System.Text.Json.Serialization;

namespace Connectors.Vllm.Catalog;

/// <summary>One model card of <c>GET /v1/models</c>; only the fields we use are declared (the rest are skipped).</summary>
internal sealed class VllmModelCard
{
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("object")]
    public string? Object { get; init; }

    [JsonPropertyName("owned_by")]
    public string? OwnedBy { get; init; }

    /// <summary>The <c>--model</c> path or HF id (base model), or the adapter path (LoRA).</summary>
    [JsonPropertyName("root")]
    public string? Root { get; init; }

    /// <summary>The base model of a LoRA adapter; <see langword="null"/> for a base model.</summary>
    [JsonPropertyName("parent")]
    public string? Parent { get; init; }

    /// <summary>The engine's context length; <see langword="null"/> for LoRA adapters.</summary>
    [JsonPropertyName("max_model_len")]
    public int? MaxModelLen { get; init; }
}
