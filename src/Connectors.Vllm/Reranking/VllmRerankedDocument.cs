namespace Connectors.Vllm;

/// <summary>One document's place in a reranking.</summary>
public sealed class VllmRerankedDocument
{
    /// <summary>Initializes a new instance.</summary>
    /// <param name="index">The document's position in the input list.</param>
    /// <param name="score">The relevance score.</param>
    /// <param name="text">The document text.</param>
    internal VllmRerankedDocument(int index, double score, string text)
    {
        Index = index;
        Score = score;
        Text = text;
    }

    /// <summary>Gets the document's position in the list that was passed in.</summary>
    public int Index { get; }

    /// <summary>Gets the relevance score (higher is more relevant; its scale depends on the model and <see cref="VllmRerankOptions.UseActivation"/>).</summary>
    public double Score { get; }

    /// <summary>Gets the document text (the caller's own string).</summary>
    public string Text { get; }
}
