using Connectors.Vllm.Testing.Server.Pooling;

namespace Connectors.Vllm.Testing.Server.Routes;

/// <summary>POST /score and /v1/score: similarity of text pairs (1:1, 1:N or N:N).</summary>
internal sealed class ScoreRoute(ServerState server) : ServerRoute(server, "POST", "/score", "/v1/score")
{
    private static readonly (string A, string B)[] Pairs = { ("queries", "documents"), ("queries", "items"), ("data_1", "data_2"), ("text_1", "text_2") };

    protected override Task HandleAsync(RequestState request)
    {
        var body = RequestJson.Parse(request);
        var model = Server.ResolveModel(body, embedding: true, paramModel: false);
        var pair = Pairs.FirstOrDefault(k => body[k.A] is not null && body[k.B] is not null);
        if (pair.A is null)
        {
            throw VllmProblem.Missing(body, "body", "queries");
        }

        var left = PoolingText.Texts(body[pair.A]!, pair.A);
        var right = PoolingText.Texts(body[pair.B]!, pair.B);
        if (left.Count == 1)
        {
            left = Enumerable.Repeat(left[0], right.Count).ToList();
        }
        else if (left.Count != right.Count)
        {
            throw VllmProblem.Check($"Input lengths must be either 1:1, 1:N or N:N, got {left.Count.ToString(CultureInfo.InvariantCulture)}:{right.Count.ToString(CultureInfo.InvariantCulture)}.", null);
        }

        var tokens = 0;
        var scores = new double[right.Count];
        for (var i = 0; i < right.Count; i++)
        {
            scores[i] = PoolingText.Similarity(model, left[i], right[i]);
            tokens += Server.Tokenizer.Count(left[i]) + Server.Tokenizer.Count(right[i]) + 3;
        }

        return HttpOut.WriteObjectAsync(request.Context, w =>
        {
            w.WriteString("id", "score-" + Server.RequestId(request.Context, null));
            w.WriteString("object", "list");
            w.WriteNumber("created", DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            w.WriteString("model", model.Id);
            w.WriteStartArray("data");
            for (var i = 0; i < scores.Length; i++)
            {
                w.WriteStartObject();
                w.WriteNumber("index", i);
                w.WriteString("object", "score");
                w.WritePropertyName("score");
                w.WritePyFloat(scores[i]);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            PoolingText.WriteUsage(w, tokens);
        });
    }
}
