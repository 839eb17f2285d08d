namespace Connectors.Vllm;

/// <summary>The documents of a reranking, most relevant first.</summary>
public sealed class VllmRerankResult
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="results">The documents, most relevant first.</param>
    /// <param name="modelId">The model that scored them, or <see langword="null"/>.</param>
    /// <param name="usage">Token usage, or <see langword="null"/>.</param>
    /// <param name="id">The server's response id, or <see langword="null"/>.</param>
    internal VllmRerankResult(IReadOnlyList<VllmRerankedDocument> results, string? modelId, UsageDetails? usage, string? id)
    {
        Results = results;
        ModelId = modelId;
        Usage = usage;
        Id = id;
    }

    /// <summary>Gets the documents ordered by descending score (ties keep input order), cut to <see cref="VllmRerankOptions.TopN"/>.</summary>
    public IReadOnlyList<VllmRerankedDocument> Results { get; }

    /// <summary>Gets the model the server used, or <see langword="null"/>.</summary>
    public string? ModelId { get; }

    /// <summary>Gets the token usage the server reported, or <see langword="null"/>.</summary>
    public UsageDetails? Usage { get; }

    /// <summary>Gets the server's response id, or <see langword="null"/>.</summary>
    public string? Id { get; }
}
