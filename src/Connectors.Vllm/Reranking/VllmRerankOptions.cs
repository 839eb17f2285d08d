namespace Connectors.Vllm;

/// <summary>Options for one <see cref="VllmReranker"/> call; unset values keep vLLM's defaults.</summary>
public sealed class VllmRerankOptions
{
    /// <summary>Gets or sets the reranking (cross-encoder or embedding) model; <see langword="null"/> uses the reranker's default.</summary>
    public string? ModelId { get; set; }

    /// <summary>Gets or sets how many of the best results to return; <see langword="null"/> (or 0) returns all.</summary>
    public int? TopN { get; set; }

    /// <summary>Gets or sets the token count each query/document pair is truncated to (vLLM's <c>truncate_prompt_tokens</c>;
    /// -1 means the model's maximum). Without it, a pair longer than the context window is a 400.</summary>
    public int? TruncatePromptTokens { get; set; }

    /// <summary>Gets or sets whether the model's activation (sigmoid/softmax) is applied to the scores (vLLM's <c>use_activation</c>).</summary>
    public bool? UseActivation { get; set; }

    /// <summary>Gets or sets the request priority (vLLM's <c>priority</c>; lower is served earlier with priority scheduling).</summary>
    public int? Priority { get; set; }

    /// <summary>Gets or sets which route is called. Default <see cref="VllmRerankRoute.Auto"/>.</summary>
    public VllmRerankRoute Route { get; set; }
}
