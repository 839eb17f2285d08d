using System.Text.Json.Serialization;

namespace Connectors.Vllm.Wire;

/// <summary>The usage object of the pooling routes (<c>/rerank</c>: prompt and total; <c>/score</c>: OpenAI's <c>UsageInfo</c>).</summary>
internal sealed record PoolingUsage(
    [property: JsonPropertyName("prompt_tokens")] int? PromptTokens,
    [property: JsonPropertyName("total_tokens")] int? TotalTokens);
