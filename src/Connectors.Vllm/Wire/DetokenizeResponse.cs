using System.Text.Json.Serialization;

namespace Connectors.Vllm.Wire;

/// <summary>vLLM's <c>/detokenize</c> answer.</summary>
internal sealed record DetokenizeResponse(
    [property: JsonPropertyName("prompt")] string? Prompt);
