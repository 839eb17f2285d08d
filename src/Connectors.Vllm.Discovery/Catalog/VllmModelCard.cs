using System.Text.Json.Serialization;

namespace Connectors.Vllm.Catalog;

/// <summary>One model card of <c>GET /v1/models</c>; only the fields we use are declared (the rest are skipped).</summary>
internal sealed class VllmModelCard
{
    public string? Id { get; init; }

    public string? Object { get; init; }

    public string? OwnedBy { get; init; }

    /// <summary>The <c>--model</c> path or HF id (base model), or the adapter path (LoRA).</summary>
    public string? Root { get; init; }

    /// <summary>The base model of a LoRA adapter; <see langword="null"/> for a base model.</summary>
    public string? Parent { get; init; }

    /// <summary>The engine's context length; <see langword="null"/> for LoRA adapters and behind routers that do not pass it
    /// on (KServe, production-stack without Kubernetes discovery). Read as any JSON value so that a router writing it
    /// differently (a string, <c>8192.0</c>) does not fail the whole list.</summary>
    [JsonPropertyName("max_model_len")]
    public JsonElement MaxModelLenValue { get; init; }

    /// <summary>Ray Serve LLM's card extras: <c>metadata.max_request_context_length</c> is its context length.</summary>
    public JsonElement Metadata { get; init; }

    /// <summary>The context length: <c>max_model_len</c>, else Ray Serve's <c>metadata.max_request_context_length</c>, else
    /// <see langword="null"/> (unknown). Values that are not a positive whole number count as absent.</summary>
    public int? ContextLength
        => PositiveInt(MaxModelLenValue)
            ?? (Metadata.ValueKind == JsonValueKind.Object && Metadata.TryGetProperty("max_request_context_length", out var ray) ? PositiveInt(ray) : null);

    private static int? PositiveInt(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Number when value.TryGetDouble(out var number) && number >= 1 && number <= int.MaxValue && number == System.Math.Floor(number):
                return (int)number;
            case JsonValueKind.String when int.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0:
                return parsed;
            default:
                return null;
        }
    }
}
