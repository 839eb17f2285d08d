namespace Connectors.Vllm;

/// <summary>
/// One model a vLLM server serves: configured explicitly, or discovered from <c>GET /v1/models</c>.
/// </summary>
/// <remarks>
/// Capabilities are never guessed from a model id: <see langword="null"/> means "not declared", and a request
/// that would need an undeclared capability is passed through to the server unchanged.
/// </remarks>
public sealed class VllmModelDefinition
{
    /// <summary>Gets or sets the model id as the server knows it (for example <c>Qwen/Qwen3-8B</c>); may contain <c>/</c>.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>Gets or sets a display name, or <see langword="null"/>.</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets whether the model is a reasoning model; <see langword="null"/> when undeclared.</summary>
    public bool? Reasoning { get; set; }

    /// <summary>Gets or sets the input kinds the model accepts (<c>"text"</c>, <c>"image"</c>); <see langword="null"/> when undeclared.</summary>
    public IList<string>? Input { get; set; }

    /// <summary>Gets or sets whether the model (and server) support tool calling; <see langword="null"/> when undeclared.</summary>
    public bool? Tools { get; set; }

    /// <summary>Gets or sets the model's cost, or <see langword="null"/>.</summary>
    public VllmModelCost? Cost { get; set; }

    /// <summary>Gets or sets the context window in tokens (vLLM's <c>max_model_len</c>; for a discovered LoRA adapter, its
    /// parent's); <see langword="null"/> when unknown.</summary>
    public int? ContextWindow { get; set; }

    /// <summary>Gets or sets the maximum number of output tokens; <see langword="null"/> unless configured.</summary>
    public int? MaxTokens { get; set; }

    /// <summary>Gets or sets the base model of a LoRA adapter (vLLM's <c>parent</c>); <see langword="null"/> for a base model.</summary>
    public string? Parent { get; set; }

    /// <summary>Gets or sets the model path or Hugging Face id the server loaded (vLLM's <c>root</c>), or <see langword="null"/>.</summary>
    public string? Root { get; set; }
}
