using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Linq;
using System.Numerics.Tensors;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.AI;

namespace AgentDemo.Tools;

/// <summary>
/// A small in-memory document search: the documents are embedded once with the vLLM embedding generator and
/// queries are ranked by cosine similarity. Without an embedding model it falls back to word overlap, and says so.
/// </summary>
internal sealed class DocumentSearchTool(IEmbeddingGenerator<string, Embedding<float>>? embeddings)
{
    internal static readonly string[] Documents =
    [
        "vLLM serves models with PagedAttention; start it with: vllm serve <model> --api-key <key>.",
        "Reasoning models (Qwen3, DeepSeek-R1) need --reasoning-parser so the server returns reasoning separately from the answer.",
        "Tool calling needs --enable-auto-tool-choice and --tool-call-parser (hermes for Qwen) on the vLLM command line.",
        "Structured outputs constrain the answer to a JSON schema, a regex, a choice list or a grammar.",
        "The prefix cache reuses the KV cache of shared prompt prefixes; cache_salt isolates tenants.",
        "Embedding models are served with the pooling runner and answer on /v1/embeddings.",
    ];

    private float[][]? _vectors;

    internal bool UsesEmbeddings => embeddings is not null;

    [Description("Searches the vLLM notes for the passages most relevant to a query and returns the best two.")]
    public async Task<string> search_documents([Description("What to look for.")] string query, CancellationToken cancellationToken = default)
    {
        var ranked = embeddings is null
            ? RankByWords(query)
            : await RankByEmbeddingsAsync(embeddings, query, cancellationToken).ConfigureAwait(false);
        return string.Join("\n", ranked.Take(2).Select(i => "- " + Documents[i]));
    }

    private async Task<IEnumerable<int>> RankByEmbeddingsAsync(IEmbeddingGenerator<string, Embedding<float>> generator, string query, CancellationToken cancellationToken)
    {
        _vectors ??= (await generator.GenerateAsync(Documents, cancellationToken: cancellationToken).ConfigureAwait(false))
            .Select(e => e.Vector.ToArray()).ToArray();
        var q = (await generator.GenerateAsync([query], cancellationToken: cancellationToken).ConfigureAwait(false))[0].Vector.ToArray();
        var vectors = _vectors;
        return Enumerable.Range(0, Documents.Length)
            .OrderByDescending(i => TensorPrimitives.CosineSimilarity(vectors[i], q));
    }

    private static IEnumerable<int> RankByWords(string query)
    {
        var words = query.Split([' ', ',', '.', '?', '!'], StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.ToLowerInvariant()).ToHashSet();
        return Enumerable.Range(0, Documents.Length)
            .OrderByDescending(i => Documents[i].Split(' ').Count(w => words.Contains(w.Trim('.', ',', ':', ';').ToLowerInvariant())));
    }
}
