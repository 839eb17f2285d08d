using System.Text.Json.Serialization;

namespace Connectors.Vllm.Wire;

/// <summary>The document echoed in a rerank result (text only; multimodal parts are not read).</summary>
internal sealed record RerankDocument(
    [property: JsonPropertyName("text")] string? Text);
