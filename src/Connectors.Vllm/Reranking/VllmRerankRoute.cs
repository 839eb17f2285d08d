namespace Connectors.Vllm;

/// <summary>Which vLLM route <see cref="VllmReranker"/> calls.</summary>
public enum VllmRerankRoute
{
    /// <summary><c>/rerank</c>, falling back to <c>/score</c> (once, then remembered) when the server has no <c>/rerank</c> route.</summary>
    Auto = 0,

    /// <summary>Only <c>/rerank</c> (Jina/Cohere shape: <c>query</c>, <c>documents</c>, <c>top_n</c>).</summary>
    Rerank = 1,

    /// <summary>Only <c>/score</c> (<c>text_1</c> = the query, <c>text_2</c> = the documents); ordering and <c>top_n</c> are applied here.</summary>
    Score = 2,
}
