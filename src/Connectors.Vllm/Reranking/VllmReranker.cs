using System.Net;
using Connectors.Vllm.Pipeline;
using Connectors.Vllm.Wire;

namespace Connectors.Vllm;

/// <summary>
/// Reranks documents against a query with a vLLM-served cross-encoder (or embedding) model, over vLLM's
/// <c>/rerank</c> route, or <c>/score</c> on servers that only offer that one.
/// </summary>
/// <remarks>
/// <para>Both routes sit at the server root and are not guarded by vLLM's API key; the key and the configured
/// headers are sent anyway. Results come back most relevant first, ties in input order.</para>
/// <para>Thread-safe; one instance can serve concurrent calls. Disposing it releases the <see cref="HttpClient"/> it created
/// (never one passed in).</para>
/// </remarks>
public sealed class VllmReranker : IDisposable
{
    private readonly VllmNativeRouteClient _http;
    private readonly Uri _rerankUrl;
    private readonly Uri _scoreUrl;
    private readonly string _noRerankHint;
    private readonly string _noScoreHint;
    private readonly string _neitherHint;
    private int _rerankMissing;

    /// <summary>Initializes a new instance.</summary>
    /// <param name="options">Where the server is and how to reach it.</param>
    /// <param name="defaultModelId">The model used when a call names none; <see langword="null"/> lets the server pick its
    /// first served model. A <c>vllm/</c> prefix is removed.</param>
    /// <param name="httpClient">The client to send with; <see langword="null"/> creates one with the private-network gate.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="defaultModelId"/> is empty or white space.</exception>
    public VllmReranker(VllmProviderOptions options, string? defaultModelId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _http = new VllmNativeRouteClient(options, defaultModelId, httpClient);
        _rerankUrl = _http.Endpoint.AtRoot("/rerank");
        _scoreUrl = _http.Endpoint.AtRoot("/score");
        const string Serves = "vLLM offers /rerank and /score only while it serves a reranker (a cross-encoder, that is a classifier with one label, "
            + "for example BAAI/bge-reranker-v2-m3) or an embedding model, on the pooling runner: vllm serve <model> --runner pooling "
            + "(--task score on older vLLM). A server started with a chat model has neither route.";
        _noRerankHint = $"The server has no /rerank route (tried {_rerankUrl}). {Serves} A server that has only /score is used with VllmRerankRoute.Auto or Score.";
        _noScoreHint = $"The server has no /score route (tried {_scoreUrl}). {Serves}";
        _neitherHint = $"The server has neither /rerank nor /score (tried {_rerankUrl} and {_scoreUrl}). {Serves}";
    }

    /// <summary>Gets the model used when a call names none, or <see langword="null"/>.</summary>
    public string? DefaultModelId => _http.DefaultModelId;

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    /// <summary>Scores every document against <paramref name="query"/> and returns them most relevant first.</summary>
    /// <param name="query">The query.</param>
    /// <param name="documents">The documents to rank (none may be <see langword="null"/>).</param>
    /// <param name="options">Options, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The ranked documents with their scores and input indices.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="query"/> or <paramref name="documents"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A document is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="VllmRerankOptions.TopN"/> is negative.</exception>
    /// <exception cref="VllmException">The server failed, could not be reached, or offers no reranking route for the model.</exception>
    public async Task<VllmRerankResult> RerankAsync(string query, IEnumerable<string> documents, VllmRerankOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(documents);
        var docs = new List<string>(documents);
        for (var i = 0; i < docs.Count; i++)
        {
            if (docs[i] is null)
            {
                throw new ArgumentException($"Document {i} is null.", nameof(documents));
            }
        }

        if (options?.TopN is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.TopN, "TopN must be 0 (all) or positive.");
        }

        var model = _http.ModelFor(options?.ModelId);
        if (docs.Count == 0)
        {
            return new VllmRerankResult([], model, null, null);
        }

        var route = options?.Route ?? VllmRerankRoute.Auto;
        if (route == VllmRerankRoute.Score || (route == VllmRerankRoute.Auto && Volatile.Read(ref _rerankMissing) == 1))
        {
            var missing = route == VllmRerankRoute.Score ? _noScoreHint : _neitherHint;
            return await ScoreAsync(query, docs, model, options, missing, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await RerankCoreAsync(query, docs, model, options, cancellationToken).ConfigureAwait(false);
        }
        catch (VllmException ex) when (route == VllmRerankRoute.Auto && ex.StatusCode == HttpStatusCode.NotFound && ex.ErrorType is null)
        {
            // FastAPI's bare 404 {"detail":"Not Found"}: this server predates /rerank; /score has the same data.
            if (Interlocked.Exchange(ref _rerankMissing, 1) == 0)
            {
                _http.Endpoint.Logger.RerankFallbackToScore(_rerankUrl, 404);
            }

            return await ScoreAsync(query, docs, model, options, _neitherHint, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<VllmRerankResult> RerankCoreAsync(string query, List<string> docs, string? model, VllmRerankOptions? options, CancellationToken cancellationToken)
    {
        var body = Body(model, "query", query, "documents", docs, options, options?.TopN is { } topN and > 0 ? topN : null);
        var bytes = await _http.PostJsonAsync(_rerankUrl, body, model, _noRerankHint, options?.CallHeaders(), cancellationToken).ConfigureAwait(false);
        var response = VllmTokenizer.Deserialize(bytes, PoolingWireJsonContext.Default.RerankResponse, "/rerank");
        var results = new List<VllmRerankedDocument>(response.Results?.Length ?? 0);
        foreach (var item in response.Results ?? [])
        {
            if ((uint)item.Index >= (uint)docs.Count)
            {
                throw OutOfRange("/rerank", item.Index, docs.Count);
            }

            results.Add(new VllmRerankedDocument(item.Index, item.RelevanceScore, docs[item.Index]));
        }

        return new VllmRerankResult(Order(results, options?.TopN), response.Model, ToUsage(response.Usage), response.Id);
    }

    private async Task<VllmRerankResult> ScoreAsync(string query, List<string> docs, string? model, VllmRerankOptions? options, string missingRouteHint, CancellationToken cancellationToken)
    {
        var body = Body(model, "text_1", query, "text_2", docs, options, topN: null);
        var bytes = await _http.PostJsonAsync(_scoreUrl, body, model, missingRouteHint, options?.CallHeaders(), cancellationToken).ConfigureAwait(false);
        var response = VllmTokenizer.Deserialize(bytes, PoolingWireJsonContext.Default.ScoreResponse, "/score");
        var results = new List<VllmRerankedDocument>(docs.Count);
        foreach (var item in response.Data ?? [])
        {
            if ((uint)item.Index >= (uint)docs.Count)
            {
                throw OutOfRange("/score", item.Index, docs.Count);
            }

            results.Add(new VllmRerankedDocument(item.Index, item.Score, docs[item.Index]));
        }

        return new VllmRerankResult(Order(results, options?.TopN), response.Model, ToUsage(response.Usage), response.Id);
    }

    private static List<VllmRerankedDocument> Order(List<VllmRerankedDocument> results, int? topN)
    {
        // List.Sort is unstable: compare the input index second so ties keep input order.
        results.Sort(static (a, b) => b.Score.CompareTo(a.Score) is var byScore and not 0 ? byScore : a.Index.CompareTo(b.Index));
        if (topN is { } n and > 0 && n < results.Count)
        {
            results.RemoveRange(n, results.Count - n);
        }

        return results;
    }

    /// <summary>The body of both routes: the query and the documents under each route's names, <c>top_n</c> when given,
    /// then the options both routes share.</summary>
    private static byte[] Body(string? model, string queryName, string query, string docsName, List<string> docs, VllmRerankOptions? options, int? topN)
        => VllmRequestJson.Build(model, writer =>
        {
            writer.WriteString(queryName, query);
            writer.WriteStartArray(docsName);
            foreach (var doc in docs)
            {
                writer.WriteStringValue(doc);
            }

            writer.WriteEndArray();
            if (topN is { } n)
            {
                writer.WriteNumber("top_n", n);
            }

            WriteCommon(writer, options);
        });

    private static void WriteCommon(Utf8JsonWriter writer, VllmRerankOptions? options)
    {
        if (options?.TruncatePromptTokens is { } truncate)
        {
            writer.WriteNumber("truncate_prompt_tokens", truncate);
        }

        if (options?.UseActivation is { } activation)
        {
            writer.WriteBoolean("use_activation", activation);
        }

        if (options?.Priority is { } priority)
        {
            writer.WriteNumber("priority", priority);
        }
    }

    private static UsageDetails? ToUsage(PoolingUsage? usage)
        => usage is null ? null : new UsageDetails
        {
            InputTokenCount = usage.PromptTokens ?? usage.TotalTokens,
            TotalTokenCount = usage.TotalTokens ?? usage.PromptTokens,
        };

    private static VllmException OutOfRange(string route, int index, int count)
        => new(null, $"The server's {route} answer names document {index}, but {count} were sent.", "Check that BaseUrl points at a vLLM server.");
}
