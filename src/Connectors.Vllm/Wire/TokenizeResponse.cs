using System.Text.Json.Serialization;

namespace Connectors.Vllm.Wire;

/// <summary>vLLM's <c>/tokenize</c> answer (<c>vllm/entrypoints/serve/tokenize/protocol.py</c>).</summary>
internal sealed record TokenizeResponse(
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("max_model_len")] int? MaxModelLen,
    [property: JsonPropertyName("tokens")] int[]? Tokens,
    [property: JsonPropertyName("token_strs")] string[]? TokenStrs);
