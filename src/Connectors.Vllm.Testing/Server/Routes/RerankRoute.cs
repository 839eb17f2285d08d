using Connectors.Vllm.Testing.Server.Pooling;

namespace Connectors.Vllm.Testing.Server.Routes;

/// <summary>POST /rerank, /v1/rerank and /v2/rerank: documents ordered by similarity to the query.</summary>
internal sealed class RerankRoute(ServerState server) : ServerRoute(server, "POST", "/rerank", "/v1/rerank", "/v2/rerank")
{
    protected override Task HandleAsync(RequestState request)
    {
        var body = RequestJson.Parse(request);
        var model = Server.ResolveModel(body, embedding: true, paramModel: false);
        if (body["query"] is not JsonValue q || q.GetValueKind() != JsonValueKind.String)
        {
            throw VllmProblem.Missing(body, "body", "query");
        }

        if (body["documents"] is null)
        {
            throw VllmProblem.Missing(body, "body", "documents");
        }

        var query = q.GetValue<string>();
        var docs = PoolingText.Texts(body["documents"]!, "documents");
        var topN = (int)(RequestJson.Int(body, "top_n") ?? 0);
        var tokens = 0;
        var results = new List<(int Index, string Text, double Score)>();
        for (var i = 0; i < docs.Count; i++)
        {
            results.Add((i, docs[i], PoolingText.Similarity(model, query, docs[i])));
            tokens += Server.Tokenizer.Count(query) + Server.Tokenizer.Count(docs[i]) + 3;
        }

        var ordered = results.OrderByDescending(r => r.Score).ThenBy(r => r.Index).ToList();
        if (topN > 0 && topN < ordered.Count)
        {
            ordered = ordered.Take(topN).ToList();
        }

        return HttpOut.WriteJsonAsync(request.Context, 200, Write(request, model, tokens, ordered));
    }

    private byte[] Write(RequestState request, VllmTestModel model, int tokens, List<(int Index, string Text, double Score)> ordered) => JsonOut.Build(w =>
    {
        w.WriteStartObject();
        w.WriteString("id", "rerank-" + Server.RequestId(request.Context, null));
        w.WriteString("model", model.Id);
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", tokens);
        w.WriteNumber("total_tokens", tokens);
        w.WriteEndObject();
        w.WriteStartArray("results");
        foreach (var r in ordered)
        {
            w.WriteStartObject();
            w.WriteNumber("index", r.Index);
            w.WriteStartObject("document");
            w.WriteString("text", r.Text);
            w.WriteNull("multi_modal");
            w.WriteEndObject();
            w.WritePropertyName("relevance_score");
            w.WritePyFloat(r.Score);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });
}
